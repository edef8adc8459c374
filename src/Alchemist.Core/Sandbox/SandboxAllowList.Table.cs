using System.Collections.Frozen;

namespace Alchemist;

/// <summary>The allow-list table itself.</summary>
internal static partial class SandboxAllowList
{
    private static FrozenDictionary<string, TypeRule> BuildRules()
    {
        string[] objectMembers = [".ctor", "Equals", "GetHashCode", "ToString", "ReferenceEquals"];

        string[] exceptionMembers =
        [
            ".ctor", "Message", "ParamName", "ToString", "Equals", "GetHashCode",
            "ThrowIfNull", "ThrowIfNullOrEmpty", "ThrowIfNullOrWhiteSpace", "ThrowIfNegative", "ThrowIfZero", "ThrowIfNegativeOrZero",
        ];

        var rules = new Dictionary<string, TypeRule>(StringComparer.Ordinal);

        void All(params string[] types) => Add(types, Mode.All, [], nested: true);
        void Except(string type, params string[] names) => Add([type], Mode.AllExcept, names, nested: true);
        void Only(string type, params string[] names) => Add([type], Mode.Only, names, nested: false);
        void Add(string[] types, Mode mode, string[] names, bool nested)
        {
            foreach (string type in types)
            {
                rules.Add(type, new TypeRule(mode, names.ToFrozenSet(StringComparer.Ordinal), nested));
            }
        }

        // Primitive types, text and maths.
        Only("System.Object", objectMembers);
        Except("System.String", "Intern", "IsInterned", "Create", "GetPinnableReference");
        All("System.Char", "System.Boolean", "System.Byte", "System.SByte", "System.Int16", "System.UInt16", "System.Int32", "System.UInt32",
            "System.Int64", "System.UInt64", "System.Int128", "System.UInt128", "System.Single", "System.Double", "System.Half", "System.Decimal",
            "System.Math", "System.MathF", "System.StringComparison", "System.StringComparer", "System.StringSplitOptions", "System.MidpointRounding",
            "System.Index", "System.Range", "System.TimeSpan", "System.DateOnly", "System.TimeOnly", "System.DayOfWeek",
            "System.HashCode", "System.UriKind", "System.UriComponents", "System.Base64FormattingOptions",
            "System.IEquatable`1", "System.IComparable`1", "System.IComparable", "System.IFormatProvider", "System.IFormattable", "System.IDisposable",
            "System.Nullable`1", "System.Nullable");
        // Clocks and the machine's time zone: a local kind, conversions to and from local time, and parsing that defaults a
        // missing date to today or an offset to the local one (DateTime parsing is allowed with constant styles that
        // prevent both, which ProgramSymbolChecker checks; Convert.ToDateTime and DateTimeOffset parsing cannot be told so).
        Except("System.Convert", "ChangeType", "GetTypeCode", "IsDBNull", "DBNull", "ToDateTime");
        Except("System.DateTime", "Now", "UtcNow", "Today", "ToLocalTime", "ToUniversalTime", "ToFileTime", "FromFileTime", "IsDaylightSavingTime");
        Except("System.DateTimeOffset", "Now", "UtcNow", "ToLocalTime", "LocalDateTime", "FromFileTime", "Parse", "TryParse", "ParseExact", "TryParseExact");
        Except("System.DateTimeKind", "Local");
        Except("System.Guid", "NewGuid", "CreateVersion7");
        Only("System.Environment", "NewLine");
        Only("System.Enum", "HasFlag", "ToString", "CompareTo", "Equals", "GetHashCode", "TryParse", "Parse", "GetValues", "GetNames", "GetName", "IsDefined");
        Only("System.Uri", ".ctor", "TryCreate", "IsWellFormedUriString", "CheckHostName", "Host", "Scheme", "AbsolutePath", "AbsoluteUri", "Query", "Fragment",
            "Port", "Authority", "OriginalString", "IsAbsoluteUri", "Segments", "IdnHost", "UriSchemeHttp", "UriSchemeHttps", "ToString", "Equals", "GetHashCode");
        Only("System.FlagsAttribute", ".ctor");

        // Spans, arrays and tuples.
        Except("System.Span`1", "GetPinnableReference");
        Except("System.ReadOnlySpan`1", "GetPinnableReference");
        Except("System.Memory`1", "Pin");
        Except("System.ReadOnlyMemory`1", "Pin");
        All("System.MemoryExtensions", "System.ArraySegment`1", "System.Buffers.SearchValues", "System.Buffers.SearchValues`1");
        Only("System.Array", "Empty", "IndexOf", "LastIndexOf", "Sort", "Reverse", "Fill", "Clear", "Copy", "Resize", "Exists", "Find", "FindAll",
            "FindIndex", "FindLast", "FindLastIndex", "TrueForAll", "BinarySearch", "ConvertAll", "ForEach", "AsReadOnly", "Length", "LongLength",
            "Rank", "GetLength", "GetUpperBound", "GetLowerBound", "CopyTo", "Clone", "GetEnumerator", "Equals", "GetHashCode", "ToString");
        All("System.ValueTuple", "System.ValueTuple`1", "System.ValueTuple`2", "System.ValueTuple`3", "System.ValueTuple`4", "System.ValueTuple`5",
            "System.ValueTuple`6", "System.ValueTuple`7", "System.ValueTuple`8");

        // Delegates: invoking them is fine; System.Delegate's members (Method, Target, DynamicInvoke) are not listed.
        foreach (string family in new[] { "System.Func", "System.Action" })
        {
            for (int arity = 0; arity <= 16; arity++)
            {
                string name = arity == 0 ? family : family + "`" + arity.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (!rules.ContainsKey(name))
                {
                    Except(name, "BeginInvoke", "EndInvoke");
                }
            }
        }

        Except("System.Func`17", "BeginInvoke", "EndInvoke");
        Except("System.Predicate`1", "BeginInvoke", "EndInvoke");
        Except("System.Comparison`1", "BeginInvoke", "EndInvoke");
        Except("System.Converter`2", "BeginInvoke", "EndInvoke");
        Except("System.Text.RegularExpressions.MatchEvaluator", "BeginInvoke", "EndInvoke");

        // Exceptions a program may throw; the constructors that chain an inner exception are refused by the checker.
        foreach (string exception in new[]
        {
            "System.Exception", "System.ArgumentException", "System.ArgumentNullException", "System.ArgumentOutOfRangeException",
            "System.InvalidOperationException", "System.NotSupportedException", "System.NotImplementedException", "System.FormatException",
            "System.OverflowException", "System.IndexOutOfRangeException", "System.DivideByZeroException", "System.ArithmeticException",
            "System.InvalidCastException", "System.NullReferenceException", "System.TimeoutException", "System.Collections.Generic.KeyNotFoundException",
            "System.Text.RegularExpressions.RegexMatchTimeoutException", "System.Text.RegularExpressions.RegexParseException",
        })
        {
            Only(exception, exceptionMembers);
        }

        // Text.
        Except("System.Text.StringBuilder", "Capacity");
        // Not DefaultInterpolatedStringHandler: the compiler uses it for $"..." without the program naming it, and a program
        // that holds one could copy it and return its pooled buffer twice (ProgramSymbolChecker.CheckHandlerNamed).
        All("System.Text.Rune", "System.Text.StringRuneEnumerator", "System.Text.NormalizationForm");
        Except("System.Text.RegularExpressions.Regex", "CacheSize", "CompileToAssembly");
        All("System.Text.RegularExpressions.Match", "System.Text.RegularExpressions.Group", "System.Text.RegularExpressions.Capture",
            "System.Text.RegularExpressions.MatchCollection", "System.Text.RegularExpressions.GroupCollection", "System.Text.RegularExpressions.CaptureCollection",
            "System.Text.RegularExpressions.RegexOptions", "System.Text.RegularExpressions.ValueMatch", "System.Text.RegularExpressions.RegexParseError");

        // Globalization: reading cultures is fine; changing the thread's culture is not (no setter is settable).
        Only("System.Globalization.CultureInfo", "InvariantCulture", "CurrentCulture", "GetCultureInfo", "Name", "TextInfo", "CompareInfo", "NumberFormat",
            "TwoLetterISOLanguageName", "ToString", "Equals", "GetHashCode");
        Only("System.Globalization.TextInfo", "ToLower", "ToUpper", "ToTitleCase", "IsRightToLeft", "ToString", "Equals", "GetHashCode");
        All("System.Globalization.CompareInfo", "System.Globalization.CompareOptions", "System.Globalization.NumberStyles", "System.Globalization.UnicodeCategory",
            "System.Globalization.DateTimeStyles", "System.Globalization.CharUnicodeInfo", "System.Globalization.StringInfo",
            "System.Globalization.TextElementEnumerator", "System.Globalization.NumberFormatInfo");

        // Collections.
        Except("System.Collections.Generic.List`1", "Capacity");
        Except("System.Collections.Generic.SortedList`2", "Capacity");
        All("System.Collections.Generic.Dictionary`2", "System.Collections.Generic.HashSet`1", "System.Collections.Generic.SortedSet`1",
            "System.Collections.Generic.SortedDictionary`2", "System.Collections.Generic.Queue`1", "System.Collections.Generic.Stack`1",
            "System.Collections.Generic.LinkedList`1", "System.Collections.Generic.LinkedListNode`1", "System.Collections.Generic.PriorityQueue`2",
            "System.Collections.Generic.KeyValuePair`2", "System.Collections.Generic.KeyValuePair", "System.Collections.Generic.Comparer`1",
            "System.Collections.Generic.EqualityComparer`1", "System.Collections.Generic.IEnumerable`1", "System.Collections.Generic.IEnumerator`1",
            "System.Collections.Generic.ICollection`1", "System.Collections.Generic.IList`1", "System.Collections.Generic.IDictionary`2",
            "System.Collections.Generic.ISet`1", "System.Collections.Generic.IReadOnlyCollection`1", "System.Collections.Generic.IReadOnlyList`1",
            "System.Collections.Generic.IReadOnlyDictionary`2", "System.Collections.Generic.IReadOnlySet`1", "System.Collections.Generic.IComparer`1",
            "System.Collections.Generic.IEqualityComparer`1", "System.Collections.Generic.CollectionExtensions",
            "System.Collections.IComparer", "System.Collections.IEqualityComparer",
            "System.Collections.ObjectModel.ReadOnlyCollection`1", "System.Collections.ObjectModel.ReadOnlyDictionary`2",
            "System.Collections.Frozen.FrozenSet`1", "System.Collections.Frozen.FrozenSet", "System.Collections.Frozen.FrozenDictionary`2",
            "System.Collections.Frozen.FrozenDictionary",
            "System.Collections.Immutable.ImmutableArray", "System.Collections.Immutable.ImmutableArray`1", "System.Collections.Immutable.ImmutableList",
            "System.Collections.Immutable.ImmutableList`1", "System.Collections.Immutable.ImmutableHashSet", "System.Collections.Immutable.ImmutableHashSet`1",
            "System.Collections.Immutable.ImmutableDictionary", "System.Collections.Immutable.ImmutableDictionary`2",
            "System.Collections.Immutable.IImmutableList`1", "System.Collections.Immutable.IImmutableSet`1", "System.Collections.Immutable.IImmutableDictionary`2");
        Only("System.Collections.IEnumerable", "GetEnumerator");
        Only("System.Collections.IEnumerator", "MoveNext", "Current");

        // LINQ to objects (not PLINQ, not IQueryable); the open-ended generators of .NET 10 are left out.
        Except("System.Linq.Enumerable", "Sequence", "InfiniteSequence");
        All("System.Linq.IGrouping`2", "System.Linq.ILookup`2", "System.Linq.Lookup`2", "System.Linq.IOrderedEnumerable`1");

        return rules.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
