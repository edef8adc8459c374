using System.Collections.Frozen;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Alchemist;

/// <summary>What makes a value shared, how sharing spreads, and which operations write through a shared value.</summary>
internal sealed partial class MutationAnalyzer
{
    /// <summary>The framework methods that change the object they are called on (or, for static helpers, their first argument).</summary>
    private static readonly FrozenSet<string> MutatingNames = FrozenSet.Create(
        StringComparer.Ordinal,
        "Add", "AddRange", "AddFirst", "AddLast", "AddBefore", "AddAfter", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll",
        "RemoveRange", "RemoveWhere", "RemoveFirst", "RemoveLast", "Clear", "Sort", "Reverse", "Push", "Pop", "TryPop", "Enqueue",
        "EnqueueRange", "EnqueueDequeue", "Dequeue", "DequeueEnqueue", "TryDequeue", "TryAdd", "UnionWith", "IntersectWith", "ExceptWith",
        "SymmetricExceptWith", "TrimExcess", "EnsureCapacity", "Fill", "SetValue", "Initialize", "Resize", "Replace", "Append", "AppendLine",
        "AppendJoin", "AppendFormat", "Set", "SetAll", "MoveToImmutable", "ItemRef", "Shuffle", "MoveNext", "Reset");

    /// <summary>The framework methods that write into a destination argument.</summary>
    private static readonly FrozenSet<string> CopyNames = FrozenSet.Create(StringComparer.Ordinal, "CopyTo", "TryCopyTo", "Copy", "ConstrainedCopy");

    /// <summary>The framework types whose constructors copy the collection they are given (unlike views such as spans and segments).</summary>
    private static readonly FrozenSet<string> CopyingConstructors = FrozenSet.Create(
        StringComparer.Ordinal,
        "System.Collections.Generic.List`1", "System.Collections.Generic.HashSet`1", "System.Collections.Generic.Dictionary`2",
        "System.Collections.Generic.SortedSet`1", "System.Collections.Generic.SortedDictionary`2", "System.Collections.Generic.SortedList`2",
        "System.Collections.Generic.Queue`1", "System.Collections.Generic.Stack`1", "System.Collections.Generic.LinkedList`1",
        "System.Collections.Generic.PriorityQueue`2", "System.Text.StringBuilder", "System.String");

    /// <summary>The framework methods that return a new collection; it is shared only if its elements are.</summary>
    private static readonly FrozenSet<string> FreshNames = FrozenSet.Create(
        StringComparer.Ordinal,
        "ToList", "ToArray", "ToHashSet", "ToDictionary", "ToLookup", "ToFrozenSet", "ToFrozenDictionary", "ToImmutableArray", "ToImmutableList",
        "ToImmutableHashSet", "ToImmutableDictionary", "ToCharArray", "Split", "GetRange", "ConvertAll", "FindAll", "Clone", "ToString");

    private void Visit(IOperation operation)
    {
        if (_staticInitialization)
        {
            CheckStaticInitializer(operation);
        }

        switch (operation)
        {
            case IVariableDeclaratorOperation { Initializer: { } initializer } declarator:
                Set(declarator.Symbol, TaintOf(initializer.Value));
                break;
            case ISimpleAssignmentOperation assignment:
                Assign(assignment.Target, TaintOf(assignment.Value), assignment);
                break;
            case ICompoundAssignmentOperation or ICoalesceAssignmentOperation:
                IAssignmentOperation compound = (IAssignmentOperation)operation;
                Assign(compound.Target, TaintOf(compound.Value), compound);
                break;
            case IDeconstructionAssignmentOperation deconstruction:
                Assign(deconstruction.Target, TaintOf(deconstruction.Value), deconstruction);
                break;
            case IIncrementOrDecrementOperation increment:
                CheckWrite(increment.Target, increment);
                break;
            case IInvocationOperation invocation:
                VisitInvocation(invocation);
                break;
            case IMethodReferenceOperation reference when !ProgramSymbolChecker.IsSource(reference.Method) && IsMutating(reference.Method):
                Violation(TaintOf(reference.Instance), reference, reference.Method.Name);
                break;
            case IForEachLoopOperation loop:
                Taint elements = TaintOf(loop.Collection);
                foreach (ILocalSymbol local in loop.Locals)
                {
                    Set(local, elements);
                }

                Assign(loop.LoopControlVariable, elements, null);
                break;
            case IReturnOperation { ReturnedValue: { } returned }:
                if (_functions.Peek() is { } function)
                {
                    Add(_returns, function, TaintOf(returned));
                }

                break;
            case IIsPatternOperation isPattern:
                SetDeclared(isPattern.Pattern, TaintOf(isPattern.Value));
                break;
            case ISwitchExpressionOperation switchExpression:
                Taint input = TaintOf(switchExpression.Value);
                foreach (ISwitchExpressionArmOperation arm in switchExpression.Arms)
                {
                    SetDeclared(arm.Pattern, input);
                }

                break;
            case ISwitchOperation switchStatement:
                Taint value = TaintOf(switchStatement.Value);
                foreach (ICaseClauseOperation clause in switchStatement.Cases.SelectMany(c => c.Clauses))
                {
                    if (clause is IPatternCaseClauseOperation patternClause)
                    {
                        SetDeclared(patternClause.Pattern, value);
                    }
                }

                break;
            case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when IsLocation(argument.Value):
                CheckWrite(argument.Value, argument);
                break;
            default:
                break;
        }
    }

    /// <summary>Refuses storing a stateful closure in a static field: it would keep state between items.</summary>
    private void CheckStaticInitializer(IOperation operation)
    {
        IOperation? value = operation switch
        {
            IFieldInitializerOperation { InitializedFields: [{ IsStatic: true }, ..] } initializer => initializer.Value,
            IPropertyInitializerOperation { InitializedProperties: [{ IsStatic: true }, ..] } initializer => initializer.Value,
            ISimpleAssignmentOperation { Target: IFieldReferenceOperation { Field.IsStatic: true } } assignment => assignment.Value,
            _ => null,
        };
        if (_report is not null && value is not null && (TaintOf(value) & Taint.Closure) != 0)
        {
            _report.Add(SandboxRules.StaticState, "A static field would hold a lambda or local function that changes variables it captured, which keeps state between items; compute the value inside Label instead.", value.Syntax.GetLocation());
        }
    }

    private void VisitInvocation(IInvocationOperation invocation)
    {
        IMethodSymbol method = invocation.TargetMethod;
        Taint receiver = TaintOf(invocation.Instance);
        Taint arguments = Taint.None;
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            arguments |= TaintOf(argument.Value);
        }

        if (method.MethodKind == MethodKind.DelegateInvoke)
        {
            // The lambda behind a delegate is not known here; every lambda's parameters take the arguments' sharing.
            _delegateArguments |= arguments;
            if (_delegateArguments != Taint.None && arguments != Taint.None)
            {
                MarkChanged();
            }

            return;
        }

        if (ProgramSymbolChecker.IsSource(method))
        {
            foreach (IArgumentOperation argument in invocation.Arguments)
            {
                if (argument.Parameter is { } parameter)
                {
                    Set(parameter.OriginalDefinition, TaintOf(argument.Value));
                    if (parameter.RefKind is RefKind.Out or RefKind.Ref)
                    {
                        // What the method stores in an out or ref parameter flows back to the caller's variable.
                        Assign(argument.Value, Get(parameter.OriginalDefinition), null);
                    }
                }
            }

            if (!method.IsStatic)
            {
                Add(_receivers, method.OriginalDefinition, receiver);
            }

            return;
        }

        // A framework call: callbacks receive shared elements, out arguments receive shared values, and a receiver that
        // stores a shared value becomes shared.
        Taint flowing = receiver | arguments;
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            switch (argument.Value)
            {
                case IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda }:
                    SetParameters(lambda.Symbol, flowing);
                    break;
                case IAnonymousFunctionOperation lambda:
                    SetParameters(lambda.Symbol, flowing);
                    break;
                case IDelegateCreationOperation { Target: IMethodReferenceOperation reference } when ProgramSymbolChecker.IsSource(reference.Method):
                    SetParameters(reference.Method.OriginalDefinition, flowing);
                    break;
                default:
                    break;
            }

            if (argument.Parameter?.RefKind == RefKind.Out)
            {
                Assign(argument.Value, flowing, null);
            }
        }

        if (receiver == Taint.None && arguments != Taint.None && invocation.Instance is { } instance && CanHoldShared(instance.Type) && RootSymbol(instance) is { } root)
        {
            Set(root, arguments);
        }

        if (IsMutating(method))
        {
            Violation(receiver, invocation, method.Name);
        }

        foreach (IOperation written in WrittenArguments(invocation))
        {
            Violation(TaintOf(written), invocation, method.Name);
        }
    }

    /// <summary>
    /// Finds the arguments a framework call writes into: the first argument of a mutating static or extension method
    /// (<c>Array.Sort(table)</c>), every array argument of one (<c>Array.Sort(keys, items)</c>), the destination of a
    /// copy, and every writable span or memory argument (<c>TryFormat(buffer)</c>, <c>ToUpperInvariant(source, buffer)</c>,
    /// <c>Split(ranges, ' ')</c>, <c>Replace(source, buffer, 'a', 'b')</c>, <c>TryFromBase64String(s, bytes, out _)</c>),
    /// except the span an extension method only reads (<c>span.IndexOf(x)</c>).
    /// </summary>
    private static IEnumerable<IOperation> WrittenArguments(IInvocationOperation invocation)
    {
        IMethodSymbol method = invocation.TargetMethod;
        bool mutating = IsMutating(method);
        bool copy = CopyNames.Contains(method.Name);
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter is not { } parameter)
            {
                continue;
            }

            bool written = parameter.Type switch
            {
                _ when mutating && parameter.Ordinal == 0 && (method.IsStatic || method.IsExtensionMethod || method.ReducedFrom is not null) => true,
                IArrayTypeSymbol when mutating && method.IsStatic && !parameter.IsParams => true,
                IArrayTypeSymbol => !parameter.IsParams && parameter.Name is "destination" or "destinationArray" or "outArray" or "buffer",
                INamedTypeSymbol named when SandboxAllowList.MetadataName(named) is "System.Span`1" or "System.Memory`1" =>
                    !(parameter.Ordinal == 0 && method.IsExtensionMethod && IsReadingExtension(method.Name)),
                _ => copy && parameter.Name is "destination" or "destinationArray" or "array",
            };
            if (written)
            {
                yield return argument.Value;
            }
        }
    }

    /// <summary>Determines whether an extension method on a span only reads the span it extends.</summary>
    private static bool IsReadingExtension(string name) =>
        ReadingPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>The names of the span extension methods of MemoryExtensions that read the span they extend (and return a value or a view).</summary>
    private static readonly string[] ReadingPrefixes =
    [
        "IndexOf", "LastIndexOf", "Contains", "StartsWith", "EndsWith", "Sequence", "Trim", "BinarySearch", "Count", "CommonPrefixLength",
        "Overlaps", "CopyTo", "TryCopyTo", "AsSpan", "AsMemory",
    ];

    /// <summary>Handles an assignment: a local, parameter or field of the program takes the value's sharing; a write through a shared value is refused.</summary>
    private void Assign(IOperation? target, Taint value, IOperation? at)
    {
        switch (target)
        {
            case null:
                return;
            case ITupleOperation tuple:
                foreach (IOperation element in tuple.Elements)
                {
                    Assign(element, value, at);
                }

                return;
            case IDeclarationExpressionOperation declaration:
                Assign(declaration.Expression, value, at);
                return;
            case IConversionOperation conversion:
                Assign(conversion.Operand, value, at);
                return;
            case ILocalReferenceOperation local:
                Set(local.Local, value);
                return;
            case IParameterReferenceOperation parameter:
                Set(parameter.Parameter, value);
                return;
            case IFieldReferenceOperation { Field.IsStatic: false } field when ProgramSymbolChecker.IsSource(field.Field):
                Set(field.Field.OriginalDefinition, value);
                break;
            case IPropertyReferenceOperation { Property.IsStatic: false, Property.IsIndexer: false } property when ProgramSymbolChecker.IsSource(property.Property):
                Set(property.Property.OriginalDefinition, value);
                break;
            default:
                break;
        }

        if (at is not null)
        {
            CheckWrite(target, at);
            if (value != Taint.None && target is IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true } &&
                RootSymbol(target) is { } container)
            {
                Set(container, value); // Storing a shared value in a collection shares the collection.
            }
        }
    }

    /// <summary>Refuses a write whose target lives in a shared object.</summary>
    private void CheckWrite(IOperation target, IOperation at)
    {
        switch (target)
        {
            case IArrayElementReferenceOperation element:
                Violation(TaintOf(element.ArrayReference), at, null);
                break;
            case IPropertyReferenceOperation { Property.IsStatic: false } property:
                Violation(TaintOf(property.Instance), at, null);
                break;
            case IFieldReferenceOperation { Field.IsStatic: false } field:
                Violation(TaintOf(field.Instance), at, null);
                break;
            case IFieldReferenceOperation { Field.IsStatic: true } staticField when ProgramSymbolChecker.IsSource(staticField.Field):
                Violation(Taint.Static, at, null);
                break;
            case IConversionOperation conversion:
                CheckWrite(conversion.Operand, at);
                break;
            default:
                break;
        }
    }

    private void Violation(Taint taint, IOperation at, string? member)
    {
        taint &= Taint.Static | Taint.Item;
        if (_report is null || taint == Taint.None || _staticInitialization)
        {
            return;
        }

        string what = at.Syntax.ToString();
        what = what.Length > 60 ? what[..57] + "..." : what;
        string how = member is null ? $"'{what}' writes into" : $"'{what}' calls {member} on";
        if ((taint & Taint.Static) != 0)
        {
            _report.Add(SandboxRules.StaticState, $"{how} an object held by a static field, which every item and thread shares: programs must not keep state between items. Copy it first (for example with ToList()) or build the object inside Label.", at.Syntax.GetLocation());
        }
        else
        {
            _report.Add(SandboxRules.ItemMutation, $"{how} the item, which every labeling function shares: programs may only read items. Copy what you need to change.", at.Syntax.GetLocation());
        }
    }

    private Taint TaintOf(IOperation? operation)
    {
        if (operation is null || (operation.Type is { } type && IsDeeplyImmutable(type)))
        {
            return Taint.None;
        }

        switch (operation)
        {
            case IFieldReferenceOperation field:
                if (field.Field.IsConst)
                {
                    return Taint.None;
                }

                if (field.Field.IsStatic)
                {
                    return ProgramSymbolChecker.IsSource(field.Field) ? Taint.Static : Taint.None;
                }

                return Get(field.Field.OriginalDefinition) | TaintOf(field.Instance);
            case IPropertyReferenceOperation property:
                if (ProgramSymbolChecker.IsSource(property.Property))
                {
                    Taint own = Get(property.Property.OriginalDefinition) | Get(_returns, property.Property.OriginalDefinition.GetMethod);
                    return property.Property.IsStatic ? own | Taint.Static : own | TaintOf(property.Instance);
                }

                return property.Property.IsStatic ? Taint.None : TaintOf(property.Instance);
            case ILocalReferenceOperation local:
                return Get(local.Local);
            case IParameterReferenceOperation parameter:
                return Get(parameter.Parameter.OriginalDefinition) | Get(parameter.Parameter);
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                return Get(_receivers, EnclosingMethod());
            case IInstanceReferenceOperation:
                return Taint.None;
            case IInvocationOperation invocation:
                return TaintOfCall(invocation.TargetMethod, invocation.Type, invocation.Instance, invocation.Arguments);
            case IConversionOperation { Operand: IInvocationOperation fresh } conversion
                when !ProgramSymbolChecker.IsSource(fresh.TargetMethod) && FreshNames.Contains(fresh.TargetMethod.Name) && ElementsImmutable(conversion.Type):
                return Taint.None; // For example (string[])table.Clone().
            case IObjectCreationOperation creation:
                Taint parts = TaintOf(creation.Initializer);
                foreach (IArgumentOperation argument in creation.Arguments)
                {
                    parts |= TaintOf(argument.Value);
                }

                return creation.Type is INamedTypeSymbol created && CopyingConstructors.Contains(SandboxAllowList.MetadataName(created)) && ElementsImmutable(created)
                    ? Taint.None
                    : parts;
            case IAnonymousFunctionOperation lambda:
                return Get(_returns, lambda.Symbol) | (_statefulFunctions.Contains(lambda.Symbol) ? Taint.Closure : Taint.None);
            case IObjectOrCollectionInitializerOperation initializer:
                // Elements added by a collection initializer and values assigned by an object initializer are stored.
                Taint stored = Taint.None;
                foreach (IOperation part in initializer.Descendants())
                {
                    stored |= part switch
                    {
                        IArgumentOperation argument => TaintOf(argument.Value),
                        IAssignmentOperation assignment => TaintOf(assignment.Value),
                        _ => Taint.None,
                    };
                }

                return stored;
            case IDelegateCreationOperation delegateCreation:
                return TaintOf(delegateCreation.Target);
            case IMethodReferenceOperation reference:
                return (ProgramSymbolChecker.IsSource(reference.Method) ? Get(_returns, reference.Method.OriginalDefinition) : Taint.None) |
                    (_statefulFunctions.Contains(reference.Method.OriginalDefinition) ? Taint.Closure : Taint.None) | TaintOf(reference.Instance);
            case IConditionalAccessInstanceOperation:
                for (IOperation? parent = operation.Parent; parent is not null; parent = parent.Parent)
                {
                    if (parent is IConditionalAccessOperation access)
                    {
                        return TaintOf(access.Operation);
                    }
                }

                return Taint.None;
            case ILiteralOperation or IDefaultValueOperation or INameOfOperation or ISizeOfOperation or ITypeOfOperation or IIsPatternOperation or IIsTypeOperation:
                return Taint.None;
            default:
                Taint any = Taint.None;
                foreach (IOperation child in operation.ChildOperations)
                {
                    any |= TaintOf(child);
                }

                return any;
        }
    }

    private Taint TaintOfCall(IMethodSymbol method, ITypeSymbol? type, IOperation? instance, IEnumerable<IArgumentOperation> arguments)
    {
        if (method.MethodKind != MethodKind.DelegateInvoke && ProgramSymbolChecker.IsSource(method))
        {
            return Get(_returns, method.OriginalDefinition);
        }

        if (FreshNames.Contains(method.Name) && ElementsImmutable(type))
        {
            return Taint.None;
        }

        Taint taint = TaintOf(instance);
        foreach (IArgumentOperation argument in arguments)
        {
            taint |= TaintOf(argument.Value);
        }

        return taint;
    }
}
