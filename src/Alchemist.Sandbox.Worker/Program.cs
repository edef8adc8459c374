using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace Alchemist.Sandbox.Worker;

/// <summary>The entry point of a sandbox worker process.</summary>
/// <remarks>
/// <para>
/// Usage: <c>dotnet exec --runtimeconfig FILE Alchemist.Sandbox.Worker.dll PATH-OF-Alchemist.Core.dll</c>. The worker
/// reads requests on standard input and writes replies on standard output (see Alchemist.Core's
/// <c>Sandbox/Workers/WorkerProtocol.cs</c>); it is started, fed and stopped by Alchemist.Core, never by hand.
/// </para>
/// <para>
/// This assembly references nothing but the framework, so that it can sit next to Alchemist.Core.dll in any build
/// output or package without a build-order cycle: Alchemist.Core and its dependencies are resolved from the directory
/// of the path given, and the worker loop is Alchemist.Core's own code.
/// </para>
/// </remarks>
internal static class Program
{
    private const string EntryType = "Alchemist.SandboxWorkerMain";
    private const string EntryMethod = "Run";

    private static int Main(string[] args)
    {
        if (args.Length < 1 || !File.Exists(args[0]))
        {
            Console.Error.WriteLine("This is the Alchemist sandbox worker; Alchemist.Core starts it. Usage: Alchemist.Sandbox.Worker PATH-OF-Alchemist.Core.dll");
            return 2;
        }

        string corePath = Path.GetFullPath(args[0]);
        string coreDirectory = Path.GetDirectoryName(corePath)!;
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            string candidate = Path.Combine(coreDirectory, name.Name + ".dll");
            return File.Exists(candidate) ? context.LoadFromAssemblyPath(candidate) : null;
        };

        Assembly core = AssemblyLoadContext.Default.LoadFromAssemblyPath(corePath);
        MethodInfo run = core.GetType(EntryType, throwOnError: true)!.GetMethod(EntryMethod, BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new MissingMethodException(EntryType, EntryMethod);
        return run.CreateDelegate<Func<string[], int>>()(args);
    }
}
