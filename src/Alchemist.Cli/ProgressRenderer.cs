using System.Globalization;

namespace Alchemist.Cli;

/// <summary>Shows a pipeline's progress: a redrawn bar on a terminal, plain lines (one per stage and a few per long stage) when the output is redirected.</summary>
internal sealed class ProgressRenderer(TextWriter writer, bool interactive) : IProgress<PipelineProgress>
{
    private const int BarWidth = 30;
    private readonly Lock _lock = new();
    private PipelineStage? _stage;
    private int _lastDecile = -1;
    private bool _barOpen;

    /// <summary>Creates the renderer for the tool's error stream: interactive only when that is the real, unredirected console.</summary>
    public static ProgressRenderer For(TextWriter error) =>
        new(error, ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected);

    public void Report(PipelineProgress value)
    {
        lock (_lock)
        {
            bool newStage = _stage != value.Stage;
            _stage = value.Stage;
            if (interactive)
            {
                string line = Describe(value);
                writer.Write("\r" + line.PadRight(Math.Max(line.Length, 79)));
                _barOpen = true;
                if (newStage)
                {
                    _lastDecile = -1;
                }

                return;
            }

            if (newStage)
            {
                _lastDecile = -1;
                writer.WriteLine($"[{Name(value.Stage)}] {value.Message}");
                return;
            }

            if (value.Total is long total && total > 0)
            {
                int decile = (int)(value.Completed * 10 / total);
                if (decile > _lastDecile && decile % 5 == 0)
                {
                    _lastDecile = decile;
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Name(value.Stage)}] {value.Completed:N0}/{total:N0}"));
                }
            }
        }
    }

    /// <summary>Ends the bar line, so that what follows starts on its own line.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            if (_barOpen)
            {
                writer.Write("\r" + new string(' ', 79) + "\r");
                _barOpen = false;
            }
        }
    }

    private static string Describe(PipelineProgress value)
    {
        if (value.Total is long total && total > 0)
        {
            double fraction = Math.Clamp((double)value.Completed / total, 0, 1);
            int filled = (int)(fraction * BarWidth);
            return string.Create(CultureInfo.InvariantCulture, $"{Name(value.Stage),-10} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {fraction * 100,5:0.0}% {value.Completed:N0}/{total:N0}");
        }

        return $"{Name(value.Stage),-10} {value.Message}";
    }

    private static string Name(PipelineStage stage) => stage.ToString().ToLowerInvariant();
}
