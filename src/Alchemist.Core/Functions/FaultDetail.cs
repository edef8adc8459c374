namespace Alchemist;

/// <summary>One fault of a batch, as the worker reports it: the item's index in the batch, the exception's type name and its shortened message, and the budget that was passed, if any.</summary>
internal readonly record struct FaultDetail(int Index, string TypeName, string Message, int BudgetKind, long BudgetLimit);
