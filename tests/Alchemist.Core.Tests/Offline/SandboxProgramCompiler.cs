using Alchemist;

namespace Alchemist.Tests.Offline;

/// <summary>
/// Compiles labeling programs through the sandbox's <see cref="ProgramCompiler"/> (the pipeline's path), failing loudly
/// with the sandbox's diagnostics when a program is rejected. Used by the offline tests and the figures harness.
/// </summary>
/// <remarks>The compilations are kept loaded for the life of the process; fine for tests and one figures run.</remarks>
internal static class SandboxProgramCompiler
{
    private static readonly ProgramCompiler Compiler = new();

    /// <summary>Compiles programs into labeling functions named after the programs.</summary>
    public static IReadOnlyList<ILabelingFunction<TItem>> Compile<TItem>(IReadOnlyList<LabelingProgram> programs)
    {
        var functions = new List<ILabelingFunction<TItem>>(programs.Count);
        foreach (LabelingProgram program in programs)
        {
            ProgramCompilation<TItem> compilation = Compiler.Compile<TItem>(program);
            if (!compilation.Succeeded)
            {
                throw new InvalidOperationException($"The sandbox rejected {program.Name}:\n{string.Join('\n', compilation.Diagnostics)}\n{program.Source}");
            }

            functions.Add(compilation.Function!);
        }

        return functions;
    }
}
