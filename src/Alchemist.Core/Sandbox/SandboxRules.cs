using Microsoft.CodeAnalysis;

namespace Alchemist;

/// <summary>The rule names of <see cref="SandboxDiagnostic"/>, what each one protects, and which rule a forbidden symbol breaks.</summary>
internal static class SandboxRules
{
    public const string Compile = "compile";
    public const string Size = "size";
    public const string Syntax = "syntax";
    public const string EntryPoint = "entry-point";
    public const string Io = "io";
    public const string Network = "network";
    public const string Process = "process";
    public const string Environment = "environment";
    public const string Reflection = "reflection";
    public const string Threading = "threading";
    public const string Unsafe = "unsafe";
    public const string Interop = "interop";
    public const string Runtime = "runtime";
    public const string Dynamic = "dynamic";
    public const string Nondeterminism = "nondeterminism";
    public const string StaticState = "static-state";
    public const string ItemMutation = "item-mutation";
    public const string Allocation = "allocation";
    public const string Stack = "stack";
    public const string Attribute = "attribute";
    public const string Finalizer = "finalizer";
    public const string Namespace = "namespace";
    public const string Api = "api";
    public const string Concepts = "concepts";

    /// <summary>Gets the sentence that explains a rule to a program's author.</summary>
    public static string Explain(string rule) => rule switch
    {
        Io => "programs may not read or write files, directories, streams or the console.",
        Network => "programs may not use the network.",
        Process => "programs may not start, stop, inspect or end processes.",
        Environment => "programs may not read environment variables, machine or application settings.",
        Reflection => "programs may not use reflection, inspect types or load code.",
        Threading => "programs may not use threads, tasks, timers or locks; the sandbox already runs them in parallel.",
        Unsafe => "programs may not use unsafe code, pointers or raw memory.",
        Interop => "programs may not call native code.",
        Runtime => "programs may not control the garbage collector or the runtime.",
        Dynamic => "programs may not use dynamic.",
        Nondeterminism => "programs must be deterministic: no clocks, time zones, random numbers, identity hash codes or new GUIDs.",
        _ => "it is not on the sandbox allow-list (string, char, Math, primitive types, collections, LINQ, regular expressions, StringBuilder, globalization, tuples and the item's members); see docs/sandbox.md.",
    };

    /// <summary>Names the rule that a symbol outside the allow-list breaks, from the namespace and type it lives in.</summary>
    public static string Classify(ISymbol symbol)
    {
        INamedTypeSymbol? type = symbol as INamedTypeSymbol ?? symbol.ContainingType;
        while (type?.ContainingType is not null)
        {
            type = type.ContainingType;
        }

        string ns = (type?.ContainingNamespace ?? symbol.ContainingNamespace)?.ToDisplayString() ?? "";
        string name = type?.Name ?? symbol.Name;
        return ClassifyName(ns, name, symbol.Name);
    }

    /// <summary>Names the rule that a type breaks, from its namespace, its name and the member used.</summary>
    public static string ClassifyName(string ns, string typeName, string memberName)
    {
        if (ns == "System")
        {
            switch (typeName)
            {
                case "Console":
                    return Io;
                case "Environment" when memberName is "Exit" or "FailFast":
                    return Process;
                case "Environment" or "AppContext":
                    return Environment;
                case "Type" or "Activator" or "AppDomain" or "RuntimeTypeHandle" or "RuntimeMethodHandle" or "RuntimeFieldHandle" or "TypedReference" or "ModuleHandle" or "Delegate" or "MulticastDelegate":
                    return Reflection;
                case "GC" or "GCGenerationInfo" or "GCMemoryInfo":
                    return Runtime;
                case "Random" or "DateTime" or "DateTimeOffset" or "DateTimeKind" or "Guid" or "TimeProvider" or "TimeZoneInfo":
                case "Convert" when memberName == "ToDateTime":
                    return Nondeterminism;
                case "IntPtr" or "UIntPtr":
                    return Unsafe;
                case "Lazy" or "LazyThreadSafetyMode":
                    return Threading;
                default:
                    break;
            }
        }

        if (Under(ns, "System.IO"))
        {
            return Io;
        }

        if (Under(ns, "System.Net"))
        {
            return Network;
        }

        if (ns == "System.Diagnostics")
        {
            return typeName switch
            {
                "Stopwatch" => Nondeterminism,
                "Debug" or "Trace" or "TraceSource" or "EventLog" => Io,
                _ => Process,
            };
        }

        if (Under(ns, "System.Reflection") || Under(ns, "System.Linq.Expressions") || Under(ns, "System.Runtime.Loader") ||
            Under(ns, "System.Runtime.Serialization") || Under(ns, "System.Resources"))
        {
            return Reflection;
        }

        if (Under(ns, "System.Dynamic") || Under(ns, "Microsoft.CSharp"))
        {
            return Dynamic;
        }

        if (Under(ns, "System.Threading") || ns == "System.Timers")
        {
            return Threading;
        }

        if (Under(ns, "System.Runtime.InteropServices"))
        {
            return typeName is "MemoryMarshal" or "CollectionsMarshal" ? Unsafe : Interop;
        }

        if (ns == "System.Runtime.CompilerServices")
        {
            return typeName is "Unsafe" ? Unsafe : Runtime;
        }

        if (Under(ns, "System.Runtime") || Under(ns, "System.Security"))
        {
            return Runtime;
        }

        return Api;
    }

    private static bool Under(string ns, string root) =>
        ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal);
}
