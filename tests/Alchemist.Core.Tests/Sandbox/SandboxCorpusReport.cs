using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using static Alchemist.Tests.Sandbox.SandboxTestPrograms;

namespace Alchemist.Tests.Sandbox;

/// <summary>
/// Writes the per-family table of docs/experiments/sandbox-round-two.md: for every corpus program with a <c>// family: N</c>
/// header, whether the sandbox rejected it, contained it at run time, or let it through, and whether the good ones pass.
/// </summary>
/// <remarks>
/// Runs only when <c>ALCHEMIST_CORPUS_REPORT</c> names a file to write. Hostile programs whose expectation is a
/// rejection are never run when accepted (some of them end the process); they count as escaped. The others run under
/// a wall-clock guard, so that a program that runs away in a single framework call is reported instead of waited for.
/// </remarks>
public class SandboxCorpusReport
{
    private static readonly TimeSpan CompileGuard = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan CallGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public void WriteReport()
    {
        string? path = Environment.GetEnvironmentVariable("ALCHEMIST_CORPUS_REPORT");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        var lines = new List<string> { "family\tprogram\toutcome\tdetail\tseconds" };
        foreach (string corpus in new[] { "Hostile", "Good" })
        {
            foreach (string name in CorpusProgram.Names(corpus))
            {
                CorpusProgram program = CorpusProgram.Load(corpus, name);
                Match family = Regex.Match(program.Source, @"^// family: (\d+)", RegexOptions.Multiline);
                if (!family.Success)
                {
                    continue;
                }

                var stopwatch = Stopwatch.StartNew();
                (string outcome, string detail) = corpus == "Hostile" ? Hostile(program) : Good(program);
                lines.Add(string.Join('\t', family.Groups[1].Value, name, outcome, detail.ReplaceLineEndings(" "),
                    stopwatch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)));
                File.WriteAllLines(path, lines);
            }
        }
    }

    private static (string, string) Hostile(CorpusProgram program)
    {
        if (!Guard(() => Compile(program.Source, program.Name), CompileGuard, out ProgramCompilation<string>? compilation, out Exception? failure) || failure is not null)
        {
            return ("escaped", failure is null ? "compilation still running after " + CompileGuard.TotalSeconds + " s" : "the compiler threw " + failure.GetType().Name);
        }

        using (compilation)
        {
            if (!compilation!.Succeeded)
            {
                return ("rejected", string.Join(", ", compilation.Diagnostics.Select(d => d.Rule + "@" + d.Line.ToString(CultureInfo.InvariantCulture)).Distinct()));
            }

            if (program.Expectations.All(e => e[0] == "rejected"))
            {
                return ("escaped", "accepted (not run)");
            }

            SandboxedLabelingFunction<string> function = compilation.Function!;
            if (!Guard(() => function.Apply(program.Input), CallGuard, out int vote, out Exception? thrown))
            {
                return ("escaped", "call still running after " + CallGuard.TotalSeconds + " s");
            }

            return thrown switch
            {
                ProgramBudgetExceededException overrun => ("contained", "overrun " + overrun.Kind),
                null => ("escaped", "voted " + vote.ToString(CultureInfo.InvariantCulture)),
                _ => ("contained", "threw " + thrown.GetType().Name),
            };
        }
    }

    private static (string, string) Good(CorpusProgram program)
    {
        using ProgramCompilation<string> compilation = Compile(program.Source, program.Name);
        if (!compilation.Succeeded)
        {
            return ("falsely rejected", string.Join("; ", compilation.Diagnostics.Select(d => d.ToString())));
        }

        foreach ((int label, string text) in program.Samples)
        {
            if (compilation.Function!.Apply(text) != label)
            {
                return ("wrong vote", text);
            }
        }

        return ("accepted", "votes as expected");
    }

    /// <summary>Runs work on a thread of its own; false when it is still running after the guard (the thread is abandoned).</summary>
    private static bool Guard<T>(Func<T> work, TimeSpan guard, out T? result, out Exception? failure)
    {
        T? value = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                value = work();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        }, 64 * 1024 * 1024) { IsBackground = true };
        thread.Start();
        bool finished = thread.Join(guard);
        result = value;
        failure = error;
        return finished;
    }
}
