using System.Globalization;
using System.Text.Json.Nodes;

namespace Alchemist.Cli.Commands;

/// <summary>What <c>alchemist synthesize</c> reports: the kept programs, the dropped ones (by synthesis or by the gate) with reasons, every attempt and the cost ledger.</summary>
internal sealed class SynthesisReport
{
    private readonly WrenchDataset _dataset;
    private readonly SynthesizeCommand.Settings _settings;
    private readonly int _sampleItems;
    private readonly int _devItems;
    private readonly IReadOnlyList<SynthesisAttempt> _attempts;
    private readonly ProgramOutcome[] _kept;
    private readonly CostSummary _cost;
    private readonly Dictionary<string, int> _slots;
    private readonly LlmStages.Figures _stages;
    private readonly List<Drop> _dropped = [];

    public SynthesisReport(
        WrenchDataset dataset, SynthesizeCommand.Settings settings, int sampleItems, int devItems, SynthesisResult result)
    {
        _dataset = dataset;
        _settings = settings;
        _sampleItems = sampleItems;
        _devItems = devItems;
        _attempts = result.SynthesisAttempts;
        _kept = [.. result.Programs.Where(p => p.Kept)];
        _cost = result.SynthesisCost;
        _slots = _attempts.Where(a => a.ProgramName is not null && a.Slot is not null).GroupBy(a => a.ProgramName!).ToDictionary(g => g.Key, g => g.First().Slot!.Value);
        _stages = settings.Stages.Measure(_attempts);

        // A slot that produced no program ends with the attempt that explains why. Each feedback round numbers its
        // slots from 0 again, so a slot is a round's slot; the offline synthesizer numbers its mined programs apart.
        foreach (IGrouping<(bool Offline, int Round, int Slot), SynthesisAttempt> slot in _attempts
            .Where(a => a.Slot is not null)
            .GroupBy(a => (Offline: LlmStages.IsOffline(a), Round: LlmStages.RoundOf(a.ProgramName), Slot: a.Slot!.Value))
            .OrderBy(g => g.Key.Offline).ThenBy(g => g.Key.Round).ThenBy(g => g.Key.Slot))
        {
            if (!slot.Any(a => a.Outcome == SynthesisOutcome.Accepted))
            {
                SynthesisAttempt last = slot.Last();
                _dropped.Add(new Drop(last.ProgramName, slot.Key.Slot, "synthesis", last.Outcome.ToString(), last.Message, last.Problems));
            }
        }

        foreach (ProgramOutcome drop in result.Programs.Where(p => !p.Kept))
        {
            _dropped.Add(new Drop(drop.Name, SlotOf(drop.Name), "gate", drop.DropReason.ToString()!, drop.DropMessage!, drop.Problems));
        }
    }

    public JsonObject ToJson()
    {
        var kept = new JsonArray();
        foreach (ProgramOutcome k in _kept)
        {
            ProgramProvenance p = k.Program.Provenance;
            ProgramGateMetrics metrics = k.GateMetrics!;
            kept.Add(new JsonObject
            {
                ["name"] = k.Program.Name,
                ["slot"] = SlotOf(k.Program.Name),
                ["file"] = ProgramLibrary.SourceFileName(k.Program.Name),
                ["contentHash"] = k.Program.ContentHash,
                ["repairAttempt"] = p.RepairAttempt,
                ["parentHash"] = p.ParentHash,
                ["model"] = p.ModelId,
                ["temperature"] = p.Temperature is float t ? JsonValue.Create(Math.Round((double)t, 3)) : null,
                ["inputTokens"] = p.InputTokens,
                ["outputTokens"] = p.OutputTokens,
                ["costUsd"] = Normalize(p.CostUsd),
                ["polarity"] = new JsonArray([.. metrics.VotedClasses.Select(c => (JsonNode?)JsonValue.Create(c))]),
                ["sampleVotes"] = metrics.SampleVotes,
                ["sampleCoverage"] = CliJson.Round(metrics.SampleCoverage),
                ["faults"] = metrics.SampleFaults,
                ["devCoverage"] = CliJson.Round(metrics.DevCoverage),
                ["devAccuracy"] = CliJson.Round(metrics.DevAccuracy),
            });
        }

        var dropped = new JsonArray();
        foreach (Drop d in _dropped)
        {
            dropped.Add(new JsonObject
            {
                ["name"] = d.Name,
                ["slot"] = d.Slot,
                ["stage"] = d.Stage,
                ["reason"] = d.Reason,
                ["message"] = d.Message,
                ["problems"] = new JsonArray([.. d.Problems.Select(p => (JsonNode?)JsonValue.Create(p))]),
            });
        }

        var attempts = new JsonArray();
        foreach (SynthesisAttempt a in _attempts)
        {
            attempts.Add(ToJson(a));
        }

        var models = new JsonArray();
        foreach (ModelCost m in _cost.Models)
        {
            models.Add(new JsonObject
            {
                ["model"] = m.ModelId,
                ["calls"] = m.Calls,
                ["inputTokens"] = m.InputTokens,
                ["outputTokens"] = m.OutputTokens,
                ["costUsd"] = Normalize(m.CostUsd),
            });
        }

        var report = new JsonObject
        {
            ["dataset"] = _dataset.Name,
            ["classes"] = new JsonArray([.. _dataset.Task.ClassNames.Select(c => (JsonNode?)JsonValue.Create(c))]),
            ["llm"] = _settings.Llm,
            ["out"] = _settings.Out,
            ["requested"] = _settings.Count,
            ["maxRepairs"] = _settings.Repairs,
        };
        _stages.AddTo(report);
        report["sampleItems"] = _sampleItems;
        report["devItems"] = _devItems;
        report["kept"] = kept;
        report["dropped"] = dropped;
        report["attempts"] = attempts;
        report["cost"] = new JsonObject
        {
            ["calls"] = _cost.Calls,
            ["failedCalls"] = _cost.FailedCalls,
            ["retries"] = _cost.Retries,
            ["timeouts"] = _cost.Timeouts,
            ["retryWaitSeconds"] = Math.Round(_cost.RetryDelay.TotalSeconds, 3),
            ["callsWithoutUsage"] = _cost.CallsWithoutUsage,
            ["inputTokens"] = _cost.InputTokens,
            ["outputTokens"] = _cost.OutputTokens,
            ["costUsd"] = Normalize(_cost.CostUsd),
            ["complete"] = _cost.IsComplete,
            ["unpricedModels"] = new JsonArray([.. _cost.UnpricedModels.Select(m => (JsonNode?)JsonValue.Create(m))]),
            ["prices"] = _settings.PricesFile ?? "bundled",
            ["models"] = models,
        };
        return report;
    }

    public void WriteText(TextWriter output)
    {
        output.WriteLine(
            $"Dataset {_dataset.Name} ({string.Join(", ", _dataset.Task.ClassNames)}): {_sampleItems} train items to run programs on, {_devItems} dev examples.");
        output.WriteLine($"Asked {_settings.Llm} for {_settings.Count} programs{(_settings.Stages.FeedbackRounds > 0 ? " per round" : string.Empty)}, with up to {_settings.Repairs} repairs each.");
        if (_settings.Stages.PriorKnowledge || _settings.Stages.FeedbackRounds > 0)
        {
            output.WriteLine($"Stages: {_stages.Describe()}.");
        }

        output.WriteLine();

        output.WriteLine($"Kept {_kept.Length} program(s), written to {_settings.Out}:");
        if (_kept.Length > 0)
        {
            var kept = new TextTable("program", "repairs", "polarity", "coverage", "dev cov.", "dev acc.", "in tokens", "out tokens", "cost (USD)");
            foreach (ProgramOutcome k in _kept)
            {
                ProgramProvenance p = k.Program.Provenance;
                ProgramGateMetrics metrics = k.GateMetrics!;
                kept.Add(
                    k.Program.Name,
                    p.RepairAttempt,
                    "[" + string.Join(",", metrics.VotedClasses) + "]",
                    metrics.SampleCoverage,
                    metrics.DevCoverage,
                    metrics.DevAccuracy,
                    p.InputTokens,
                    p.OutputTokens,
                    SynthesizeCommand.Usd(p.CostUsd));
            }

            output.Write(kept.ToString());
        }

        output.WriteLine();
        output.WriteLine($"Dropped {_dropped.Count}:");
        foreach (Drop d in _dropped)
        {
            output.WriteLine($"  {d.Name ?? "(slot " + d.Slot + ")"}  [{d.Stage}: {d.Reason}]  {d.Message}");
            foreach (string problem in d.Problems.Take(5))
            {
                output.WriteLine($"      {problem}");
            }

            if (d.Problems.Count > 5)
            {
                output.WriteLine($"      ... and {d.Problems.Count - 5} more");
            }
        }

        int repairs = _attempts.Count(a => a.Attempt > 0);
        output.WriteLine();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Cost ledger: {_cost.Calls} call(s) ({repairs} repair(s); {_cost.FailedCalls} failed, {_cost.Retries} retries, {_cost.Timeouts} timeouts, {_cost.RetryDelay.TotalSeconds:0.#} s waited), {_cost.InputTokens} input tokens, {_cost.OutputTokens} output tokens, {(_cost.IsComplete ? "$" + SynthesizeCommand.Usd(_cost.CostUsd) : "$" + SynthesizeCommand.Usd(_cost.CostUsd) + " for the priced models")}."));
        var ledger = new TextTable("model", "calls", "input tokens", "output tokens", "cost (USD)");
        foreach (ModelCost m in _cost.Models)
        {
            ledger.Add(m.ModelId, m.Calls, m.InputTokens, m.OutputTokens, SynthesizeCommand.Usd(m.CostUsd));
        }

        output.Write(ledger.ToString());
        if (!_cost.IsComplete)
        {
            output.WriteLine($"No price for: {string.Join(", ", _cost.UnpricedModels)} in {(_settings.PricesFile is null ? "the tool's bundled prices" : _settings.PricesFile)}. Give --prices FILE to price them.");
        }
    }

    /// <summary>One synthesis call as JSON: the <c>attempts[]</c> entry of <c>synthesize --json</c>, and of <c>failedAttempts[]</c> in a run's run.json.</summary>
    internal static JsonObject ToJson(SynthesisAttempt a) => new()
    {
        ["slot"] = a.Slot,
        ["attempt"] = a.Attempt,
        ["name"] = a.ProgramName,
        ["outcome"] = a.Outcome.ToString(),
        ["message"] = a.Message,
        ["problems"] = new JsonArray([.. a.Problems.Select(p => (JsonNode?)JsonValue.Create(p))]),
        ["contentHash"] = a.Program?.ContentHash,
        ["model"] = a.ModelId,
        ["inputTokens"] = a.InputTokens,
        ["outputTokens"] = a.OutputTokens,
        ["costUsd"] = Normalize(a.CostUsd),
        ["retries"] = a.Retries,
        ["timeouts"] = a.Timeouts,
    };

    private int? SlotOf(string name) => _slots.TryGetValue(name, out int slot) ? slot : null;

    private static JsonValue? Normalize(decimal? value) => value is decimal d ? JsonValue.Create(d / 1.000000000000000000000000000000000m) : null;

    private sealed record Drop(string? Name, int? Slot, string Stage, string Reason, string Message, IReadOnlyList<string> Problems);
}
