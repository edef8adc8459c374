using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alchemist;

/// <summary>An <see cref="IProgramSynthesizer"/> that asks any <see cref="IChatClient"/> to write labeling programs, and repairs the ones that fail validation.</summary>
/// <remarks>
/// <para>
/// A request of <c>N</c> programs runs <c>N</c> slots, at most <see cref="ChatSynthesizerOptions.MaxConcurrency"/> at
/// once, started in slot order. A slot sends the system prompt and its own user prompt (the task, classes, signature,
/// prior knowledge, a subset of examples, feedback and a focus class; see docs/synthesis.md) at its temperature, takes
/// the first C# code block of the reply, and checks it with the request's <see cref="SynthesisRequest{TItem}.Validator"/>.
/// A program that fails goes back to the model with the validator's exact messages, at most
/// <see cref="ChatSynthesizerOptions.MaxRepairs"/> times. A reply without a code block is answered once with a request
/// for the block; a second one, or a call that fails after the pipeline's retries, ends that slot only. Every call is
/// recorded in the request's <see cref="SynthesisRequest{TItem}.Ledger"/> (a run's scope) or else in <see cref="Ledger"/>
/// (with the retries and timeouts a <see cref="ResilientChatClient"/> reports, and
/// failed calls too) and in the request's <see cref="SynthesisRequest{TItem}.Log"/>. When
/// <see cref="ChatSynthesizerOptions.Deadline"/> passes, the slots in flight stop and the programs already emitted stay.
/// </para>
/// <para>
/// When the request carries concept scores (a pipeline run with an embedding generator) and
/// <see cref="ChatSynthesizerOptions.GenerateConcepts"/> is on, one call first asks the model to list concepts per class
/// (<c>CLASS_INDEX | phrase</c> lines); the phrases kept are embedded and measured on the seed items, and every slot is
/// asked for a concept program, <c>Label(T item, Concepts concepts)</c>, over them. When that call fails or lists no
/// usable concept, the slots write plain programs; the request's log says why.
/// </para>
/// <para>
/// Programs are emitted as they pass, so their order depends on timing; their names (<c>prefix-NNN</c>, and
/// <c>prefix-NNN-rK</c> for the K-th repair) depend only on the slot. Caching, logging, telemetry and retries belong
/// in the chat client's pipeline (<see cref="ChatClientBuilder"/>). Thread-safe.
/// </para>
/// </remarks>
public sealed partial class ChatProgramSynthesizer : IProgramSynthesizer
{
    /// <summary>The name of this synthesizer, recorded in <see cref="ProgramProvenance.Synthesizer"/>.</summary>
    public const string SynthesizerName = "chat";

    private const int MaxPriorKnowledgeCharacters = 4_000;
    private readonly IChatClient _chatClient;
    private readonly ChatSynthesizerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string? _defaultModelId;

    /// <summary>Initializes a new instance of the <see cref="ChatProgramSynthesizer"/> class.</summary>
    /// <param name="chatClient">The chat client, with its pipeline (retries, caching, logging) already built.</param>
    /// <param name="options">The options; the defaults when <see langword="null"/>. Validated here, and read as the synthesizer works.</param>
    /// <param name="ledger">The ledger that records every call; a new one priced by <see cref="ChatSynthesizerOptions.Prices"/> when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of provenance times and durations; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; replies are logged at Trace level only, because they can hold user data.</param>
    /// <exception cref="ArgumentNullException"><paramref name="chatClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> is not valid; the message lists every problem.</exception>
    public ChatProgramSynthesizer(
        IChatClient chatClient,
        ChatSynthesizerOptions? options = null,
        CostLedger? ledger = null,
        TimeProvider? timeProvider = null,
        ILogger<ChatProgramSynthesizer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        _options = OptionsValidation.ThrowIfInvalid(new ChatSynthesizerOptionsValidator(), options ?? new ChatSynthesizerOptions(), nameof(options));

        _chatClient = chatClient;
        Ledger = ledger ?? new CostLedger(_options.Prices);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _defaultModelId = _options.ModelId ?? chatClient.GetService<ChatClientMetadata>()?.DefaultModelId;
    }

    /// <inheritdoc />
    public string Name => SynthesizerName;

    /// <summary>Gets the options the synthesizer works with.</summary>
    internal ChatSynthesizerOptions Options => _options;

    /// <summary>Gets the chat client, with its pipeline, the synthesizer calls.</summary>
    internal IChatClient ChatClient => _chatClient;

    /// <inheritdoc />
    /// <remarks>The chat synthesizer shows the feedback to the model: problems of earlier programs, items no kept program covers, items where kept programs disagree.</remarks>
    public bool AcceptsFeedback => true;

    /// <summary>Gets the ledger that records the usage and cost of the calls this synthesizer makes for requests that carry no <see cref="SynthesisRequest{TItem}.Ledger"/> of their own.</summary>
    /// <remarks>Give the pipeline this ledger (dependency injection does) and each run records in a scope of it, so this ledger totals every run.</remarks>
    public CostLedger Ledger { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    public IAsyncEnumerable<LabelingProgram> SynthesizeAsync<TItem>(SynthesisRequest<TItem> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SynthesizeCoreAsync(request, cancellationToken);
    }

    private async IAsyncEnumerable<LabelingProgram> SynthesizeCoreAsync<TItem>(
        SynthesisRequest<TItem> request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (request.ProgramCount == 0)
        {
            yield break;
        }

        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Channel<LabelingProgram> programs = Channel.CreateUnbounded<LabelingProgram>(new UnboundedChannelOptions { SingleReader = true });
        Task producer = ProduceAsync(request, programs.Writer, run.Token);
        try
        {
            await foreach (LabelingProgram program in programs.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return program;
            }

            await producer.ConfigureAwait(false);
        }
        finally
        {
            // When the caller stops early, stop the slots still in flight and wait for them: no call outlives the enumeration.
            await run.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task ProduceAsync<TItem>(SynthesisRequest<TItem> request, ChannelWriter<LabelingProgram> writer, CancellationToken cancellationToken)
    {
        using var deadline = _options.Deadline is TimeSpan limit ? new CancellationTokenSource(limit, _timeProvider) : null;
        using var linked = deadline is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var scope = new RunScope(request.Ledger ?? Ledger, _options.Deadline, cancellationToken, linked?.Token ?? cancellationToken);
        try
        {
            var prompts = new ProgramPrompts<TItem>(request, _options);
            string? priorKnowledge = request.PriorKnowledge;
            if (priorKnowledge is null && _options.GeneratePriorKnowledge)
            {
                priorKnowledge = await GeneratePriorKnowledgeAsync(prompts, request.Log, scope).ConfigureAwait(false);
            }

            ChatConceptContext? concepts = null;
            if (request.Concepts is { } scores && _options.GenerateConcepts)
            {
                concepts = await GenerateConceptsAsync(request, scores, prompts, scope).ConfigureAwait(false);
            }

            int digits = Math.Max(3, (request.ProgramCount - 1).ToString(CultureInfo.InvariantCulture).Length);
            string SlotName(int slot) => request.ProgramNamePrefix + "-" + slot.ToString("D" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            using var slots = new SemaphoreSlim(_options.MaxConcurrency);
            var running = new List<Task>(request.ProgramCount);
            try
            {
                for (int slot = 0; slot < request.ProgramCount; slot++)
                {
                    if (!await TryEnterAsync(slots, scope).ConfigureAwait(false))
                    {
                        // The deadline passed: the slots not started are recorded, so that every slot of the request is accounted for.
                        for (int rest = slot; rest < request.ProgramCount; rest++)
                        {
                            request.Log?.Add(new SynthesisAttempt
                            {
                                Slot = rest,
                                Outcome = SynthesisOutcome.CallFailed,
                                ProgramName = SlotName(rest),
                                Message = $"The synthesis deadline of {scope.DeadlineText} passed before this slot started; it made no call.",
                                StartedAt = _timeProvider.GetUtcNow(),
                            });
                        }

                        break;
                    }

                    running.Add(RunSlotAsync(request, prompts, priorKnowledge, concepts, slot, SlotName(slot), writer, slots, scope));
                }
            }
            finally
            {
                // Slots already started release the semaphore when they end; wait for them before it is disposed.
                await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            await Task.WhenAll(running).ConfigureAwait(false);
        }
        finally
        {
            writer.Complete();
        }
    }

    private async Task RunSlotAsync<TItem>(
        SynthesisRequest<TItem> request,
        ProgramPrompts<TItem> prompts,
        string? priorKnowledge,
        ChatConceptContext? concepts,
        int slot,
        string baseName,
        ChannelWriter<LabelingProgram> writer,
        SemaphoreSlim slots,
        RunScope scope)
    {
        try
        {
            await RunSlotCoreAsync(request, prompts, priorKnowledge, concepts, slot, baseName, writer, scope).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task RunSlotCoreAsync<TItem>(
        SynthesisRequest<TItem> request,
        ProgramPrompts<TItem> prompts,
        string? priorKnowledge,
        ChatConceptContext? concepts,
        int slot,
        string baseName,
        ChannelWriter<LabelingProgram> writer,
        RunScope scope)
    {
        (string userPrompt, int focus, int exampleCount) = prompts.ForSlot(slot, priorKnowledge, concepts);
        var conversation = new List<ChatMessage> { new(ChatRole.System, concepts is null ? prompts.System : prompts.ConceptSystem), new(ChatRole.User, userPrompt) };
        float? temperature = _options.Temperatures.Count == 0 ? null : _options.Temperatures[slot % _options.Temperatures.Count];
        string description = concepts is null
            ? string.Create(CultureInfo.InvariantCulture, $"Slot {slot}: focus on class '{request.Task.ClassNames[focus]}' ({focus}); {exampleCount} labeled examples shown.")
            : string.Create(CultureInfo.InvariantCulture, $"Slot {slot}: focus on class '{request.Task.ClassNames[focus]}' ({focus}); {exampleCount} labeled examples shown; asked for a concept program over {concepts.Concepts.Count} listed concepts.");
        LabelingProgram? parent = null;
        bool askedForBlock = false;
        int repairs = 0;

        for (int attempt = 0; ; attempt++)
        {
            scope.Caller.ThrowIfCancellationRequested();
            string name = attempt == 0 ? baseName : $"{baseName}-r{attempt.ToString(CultureInfo.InvariantCulture)}";
            if (scope.DeadlinePassed)
            {
                request.Log?.Add(new SynthesisAttempt
                {
                    Slot = slot,
                    Attempt = attempt,
                    Outcome = SynthesisOutcome.CallFailed,
                    ProgramName = name,
                    Message = $"The synthesis deadline of {scope.DeadlineText} passed before this call; this slot produced no program.",
                    StartedAt = _timeProvider.GetUtcNow(),
                });
                return;
            }

            ChatCall call = await CallAsync([.. conversation], temperature, attempt == 0 ? "program" : "repair", scope).ConfigureAwait(false);
            SynthesisAttempt record = call.ToAttempt(slot, attempt, name, temperature);

            if (call.Error is Exception error)
            {
                LogCallFailed(name, error.GetType().Name, error.Message);
                request.Log?.Add(record with
                {
                    Outcome = SynthesisOutcome.CallFailed,
                    Message = scope.DeadlinePassed
                        ? $"The synthesis deadline of {scope.DeadlineText} passed during the call; this slot produced no program."
                        : $"{DescribeFailure(error)}; this slot produced no program.",
                });
                return;
            }

            LogReply(name, call.Text);
            if (!ReplyParser.TryGetFirstCodeBlock(call.Text, out string? code, out string? reason))
            {
                LogRejectedReply(name, reason!);
                request.Log?.Add(record with
                {
                    Outcome = SynthesisOutcome.RejectedReply,
                    Message = askedForBlock
                        ? reason! + " The reply is not a program, and the slot had already asked for the block once, so it produced no program."
                        : reason! + " The reply is not a program; the slot asks once more for the program in a C# code block.",
                });
                if (askedForBlock)
                {
                    return;
                }

                askedForBlock = true;
                conversation.Add(new ChatMessage(ChatRole.Assistant, call.Text));
                conversation.Add(new ChatMessage(ChatRole.User, ProgramPrompts<TItem>.MissingCodeBlock(reason!)));
                continue;
            }

            var program = new LabelingProgram(name, code!, new ProgramProvenance
            {
                Synthesizer = SynthesizerName,
                ModelId = call.ModelId,
                PromptHash = call.PromptHash,
                InputTokens = call.Cost?.UsageReported == true ? call.Cost.InputTokens : null,
                OutputTokens = call.Cost?.UsageReported == true ? call.Cost.OutputTokens : null,
                CostUsd = call.Cost?.CostUsd,
                Temperature = temperature,
                CreatedAt = _timeProvider.GetUtcNow(),
                Duration = call.Duration,
                ParentHash = parent?.ContentHash,
                RepairAttempt = attempt,
                Description = description,
            });
            record = record with { Program = program };

            ProgramValidation validation;
            try
            {
                validation = await ValidateAsync(request.Validator, program, scope.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (scope.DeadlinePassed)
            {
                request.Log?.Add(record with
                {
                    Outcome = SynthesisOutcome.CallFailed,
                    Message = $"The synthesis deadline of {scope.DeadlineText} passed while the program was being validated; this slot produced no program.",
                });
                return;
            }

            if (validation.IsValid)
            {
                LogAccepted(name, attempt);
                request.Log?.Add(record with
                {
                    Outcome = SynthesisOutcome.Accepted,
                    Message = attempt == 0 ? "Accepted." : $"Accepted after {attempt} repair(s).",
                });
                await writer.WriteAsync(program, scope.Caller).ConfigureAwait(false);
                return;
            }

            IReadOnlyList<string> problems = validation.Problems.Count > 0 ? validation.Problems : ["The validator rejected the program without a message."];
            bool repair = repairs < _options.MaxRepairs;
            LogFailedValidation(name, problems.Count, repair);
            request.Log?.Add(record with
            {
                Outcome = SynthesisOutcome.FailedValidation,
                Problems = problems,
                Message = repair
                    ? $"Failed validation with {problems.Count} problem(s); sent back for repair {repairs + 1} of {_options.MaxRepairs}."
                    : $"Failed validation with {problems.Count} problem(s); no repairs left ({_options.MaxRepairs} allowed), so this slot produced no program.",
            });

            if (!repair)
            {
                return;
            }

            repairs++;

            conversation.Add(new ChatMessage(ChatRole.Assistant, call.Text));
            conversation.Add(new ChatMessage(ChatRole.User, ProgramPrompts<TItem>.Repair(program, problems)));
            parent = program;
        }
    }

    private async Task<string?> GeneratePriorKnowledgeAsync<TItem>(ProgramPrompts<TItem> prompts, SynthesisLog? log, RunScope scope)
    {
        float? temperature = _options.Temperatures.Count == 0 ? null : _options.Temperatures.Min();
        ChatCall call = await CallAsync(prompts.PriorKnowledgeMessages(), temperature, "prior-knowledge", scope).ConfigureAwait(false);
        SynthesisAttempt record = call.ToAttempt(slot: null, attempt: 0, name: null, temperature);
        if (call.Error is Exception error)
        {
            LogCallFailed("prior-knowledge", error.GetType().Name, error.Message);
            log?.Add(record with
            {
                Outcome = SynthesisOutcome.CallFailed,
                Message = $"The prior-knowledge call failed ({(scope.DeadlinePassed ? $"the synthesis deadline of {scope.DeadlineText} passed" : DescribeFailure(error))}); the prompts go without it.",
            });
            return null;
        }

        string text = call.Text.Trim();
        if (text.Length > MaxPriorKnowledgeCharacters)
        {
            text = text[..MaxPriorKnowledgeCharacters];
        }

        log?.Add(record with
        {
            Outcome = SynthesisOutcome.PriorKnowledge,
            Message = text.Length == 0
                ? "The prior-knowledge reply was empty; the prompts go without it."
                : $"Wrote {text.Length} characters of background knowledge, shared by every slot's prompt.",
        });
        return text.Length == 0 ? null : text;
    }

    /// <summary>
    /// The concept stage: one call lists concepts per class; the phrases kept are embedded and measured on the seed items.
    /// Returns <see langword="null"/> (the slots write plain programs) when the call fails or lists no usable concept.
    /// </summary>
    private async Task<ChatConceptContext?> GenerateConceptsAsync<TItem>(SynthesisRequest<TItem> request, ConceptScores<TItem> scores, ProgramPrompts<TItem> prompts, RunScope scope)
    {
        float? temperature = _options.Temperatures.Count == 0 ? null : _options.Temperatures.Min();
        ChatCall call = await CallAsync(prompts.ConceptListMessages(_options.ConceptsPerClass), temperature, "concepts", scope).ConfigureAwait(false);
        SynthesisAttempt record = call.ToAttempt(slot: null, attempt: 0, name: null, temperature);
        if (call.Error is Exception error)
        {
            LogCallFailed("concepts", error.GetType().Name, error.Message);
            request.Log?.Add(record with
            {
                Outcome = SynthesisOutcome.CallFailed,
                Message = scope.DeadlinePassed
                    ? $"The synthesis deadline of {scope.DeadlineText} passed during the concept call; no slot starts after it."
                    : $"The concept call failed ({DescribeFailure(error)}); the slots write plain programs, as without concept scores.",
            });
            return null;
        }

        LogReply("concepts", call.Text);
        ChatConceptList list = ChatConceptList.Parse(call.Text, request.Task.ClassNames, _options.ConceptsPerClass);
        if (list.Concepts.Count == 0)
        {
            string why = string.IsNullOrWhiteSpace(call.Text)
                ? "The concept reply was empty"
                : $"The concept reply listed no usable concept (one per line, CLASS_INDEX | phrase){(list.Problems.Count > 0 ? $"; {list.Problems.Count} line(s) refused, listed in the problems" : string.Empty)}";
            LogNoConcepts(why);
            request.Log?.Add(record with
            {
                Outcome = SynthesisOutcome.Concepts,
                Problems = list.Problems,
                Message = why + "; the slots write plain programs, as without concept scores.",
            });
            return null;
        }

        if (list.Problems.Count > 0)
        {
            LogConceptProblems(list.Concepts.Count, list.Problems.Count);
        }

        (ChatConceptContext context, string measured) = await MeasureConceptsAsync(request, scores, list.Concepts, scope).ConfigureAwait(false);
        string perClass = string.Join(", ", request.Task.ClassNames.Select((name, k) => string.Create(CultureInfo.InvariantCulture, $"{list.Concepts.Count(c => c.Label == k)} {name}")));
        request.Log?.Add(record with
        {
            Outcome = SynthesisOutcome.Concepts,
            Problems = list.Problems,
            Message = string.Create(
                CultureInfo.InvariantCulture,
                $"Listed {list.Concepts.Count} concept(s) ({perClass}){(list.Problems.Count > 0 ? $"; {list.Problems.Count} problem(s), listed" : string.Empty)}; {measured}; every slot is asked for a concept program over them."),
        });
        return context;
    }

    /// <summary>Embeds the concepts' phrases into the run's scores and measures each one's mean similarity, and each prototype's, on the seed items of each class.</summary>
    private async Task<(ChatConceptContext Context, string Description)> MeasureConceptsAsync<TItem>(
        SynthesisRequest<TItem> request, ConceptScores<TItem> scores, IReadOnlyList<ChatConcept> concepts, RunScope scope)
    {
        int classCount = request.Task.ClassCount;
        var rows = new List<int>[classCount];
        for (int k = 0; k < classCount; k++)
        {
            rows[k] = [];
        }

        foreach (LabeledExample<TItem> example in request.Examples)
        {
            if (example is not null && example.Label >= 0 && example.Label < classCount && scores.TryGetRow(example.Item, out int row))
            {
                rows[example.Label].Add(row);
            }
        }

        if (rows.All(r => r.Count == 0))
        {
            return (new ChatConceptContext(concepts, null, []), "not measured, since the request has no labeled seed item the run embedded");
        }

        try
        {
            await scores.AddPhrasesAsync(concepts.Select(c => c.Phrase), scope.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!scope.Caller.IsCancellationRequested)
        {
            LogConceptEmbeddingFailed(ex);
            return (new ChatConceptContext(concepts, null, []), $"not measured, since embedding them failed ({ex.GetType().Name}: {ex.Message})");
        }

        ConceptTable table = scores.Table;
        double[] Means(float[] column) => [.. rows.Select(r => r.Count == 0 ? double.NaN : r.Average(i => (double)column[i]))];
        ChatConcept[] measured = [.. concepts.Select(c => table.Column(c.Phrase) is { } column ? c with { MeanByClass = Means(column) } : c)];
        IReadOnlyList<double>?[] prototypes = [.. table.PrototypeColumns.Select(column => column is null ? null : (IReadOnlyList<double>)Means(column))];
        int[] counts = [.. rows.Select(r => r.Count)];
        return (new ChatConceptContext(measured, counts, prototypes), string.Create(CultureInfo.InvariantCulture, $"measured on {counts.Sum()} labeled seed items"));
    }

    /// <summary>Waits for a free slot; <see langword="false"/> when the deadline passed first.</summary>
    private static async Task<bool> TryEnterAsync(SemaphoreSlim slots, RunScope scope)
    {
        if (scope.DeadlinePassed)
        {
            return false;
        }

        try
        {
            await slots.WaitAsync(scope.Token).ConfigureAwait(false);
            if (scope.DeadlinePassed)
            {
                // The slot freed by a call the deadline cut can be taken before the wait sees the deadline: the slot did not start.
                slots.Release();
                return false;
            }

            return true;
        }
        catch (OperationCanceledException) when (scope.DeadlinePassed)
        {
            return false;
        }
    }

    /// <summary>A failure in one sentence: the resilient client's message (which names the provider's error and the retries), or the exception's type and message.</summary>
    private static string DescribeFailure(Exception error) =>
        error is ChatCallFailedException ? error.Message : $"The call failed ({error.GetType().Name}: {error.Message})";

    private async Task<ChatCall> CallAsync(IReadOnlyList<ChatMessage> messages, float? temperature, string purpose, RunScope scope)
    {
        var chatOptions = new ChatOptions
        {
            Temperature = temperature,
            ModelId = _options.ModelId,
            MaxOutputTokens = _options.MaxOutputTokens,
        };
        string promptHash = PromptHash.Compute(messages);
        DateTimeOffset startedAt = _timeProvider.GetUtcNow();
        long started = _timeProvider.GetTimestamp();
        try
        {
            ChatResponse response = await _chatClient.GetResponseAsync(messages, chatOptions, scope.Token).ConfigureAwait(false);
            string? modelId = response.ModelId ?? _defaultModelId;
            CostEntry cost = scope.Ledger.Record(purpose, modelId, response.Usage, ChatCallResilience.FromResponse(response));
            return new ChatCall(purpose, response.Text, modelId, promptHash, cost, startedAt, _timeProvider.GetElapsedTime(started), Error: null);
        }
        catch (Exception ex) when (!scope.Caller.IsCancellationRequested)
        {
            // A failed call (or one the deadline cut) costs its own program only; the other slots go on. The ledger keeps its retries and timeouts.
            CostEntry cost = scope.Ledger.RecordFailure(purpose, _defaultModelId, ChatCallResilience.FromException(ex));
            return new ChatCall(purpose, string.Empty, _defaultModelId, promptHash, cost, startedAt, _timeProvider.GetElapsedTime(started), ex);
        }
    }

    private async Task<ProgramValidation> ValidateAsync(IProgramValidator? validator, LabelingProgram program, CancellationToken cancellationToken)
    {
        if (validator is null)
        {
            return ProgramValidation.Valid;
        }

        try
        {
            return await validator.ValidateAsync(program, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogValidatorFailed(program.Name, ex);
            return ProgramValidation.Invalid($"The validator failed on this program ({ex.GetType().Name}: {ex.Message}).");
        }
    }

    [LoggerMessage(LogLevel.Debug, "Program {Name} accepted after {Repairs} repair(s).")]
    private partial void LogAccepted(string name, int repairs);

    [LoggerMessage(LogLevel.Debug, "Program {Name} failed validation with {Count} problem(s); repair requested: {Repair}.")]
    private partial void LogFailedValidation(string name, int count, bool repair);

    [LoggerMessage(LogLevel.Information, "The reply for {Name} is not a program: {Reason}")]
    private partial void LogRejectedReply(string name, string reason);

    [LoggerMessage(LogLevel.Warning, "The call for {Name} failed with {ExceptionType}: {Message}")]
    private partial void LogCallFailed(string name, string exceptionType, string message);

    [LoggerMessage(LogLevel.Warning, "The validator failed on program {Name}.")]
    private partial void LogValidatorFailed(string name, Exception exception);

    [LoggerMessage(LogLevel.Warning, "The concept stage gave no usable concept ({Reason}); the slots write plain programs. The request's log lists the problems.")]
    private partial void LogNoConcepts(string reason);

    [LoggerMessage(LogLevel.Information, "The concept stage kept {Kept} concept(s); the reply had {Count} problem(s), listed in the request's log.")]
    private partial void LogConceptProblems(int kept, int count);

    [LoggerMessage(LogLevel.Warning, "Embedding the listed concepts failed; the prompts list them without figures.")]
    private partial void LogConceptEmbeddingFailed(Exception exception);

    [LoggerMessage(LogLevel.Trace, "Reply for {Name}: {Reply}")]
    private partial void LogReply(string name, string reply);

    /// <summary>The outcome of one chat call: the reply (or the error) and what it cost.</summary>
    private sealed record ChatCall(
        string Purpose, string Text, string? ModelId, string PromptHash, CostEntry? Cost, DateTimeOffset StartedAt, TimeSpan Duration, Exception? Error)
    {
        public SynthesisAttempt ToAttempt(int? slot, int attempt, string? name, float? temperature) => new()
        {
            Purpose = Purpose,
            Slot = slot,
            Attempt = attempt,
            Outcome = SynthesisOutcome.CallFailed,
            Message = string.Empty,
            ProgramName = name,
            ModelId = ModelId,
            PromptHash = PromptHash,
            Temperature = temperature,
            InputTokens = Cost?.InputTokens ?? 0,
            OutputTokens = Cost?.OutputTokens ?? 0,
            CostUsd = Error is null ? Cost?.CostUsd : null,
            StartedAt = StartedAt,
            Duration = Duration,
            Retries = Cost?.Retries ?? 0,
            Timeouts = Cost?.Timeouts ?? 0,
        };
    }

    /// <summary>One request's tokens (the caller's, and the one that also ends at the deadline, which every call and validation uses) and the ledger its calls are recorded in.</summary>
    private sealed record RunScope(CostLedger Ledger, TimeSpan? Deadline, CancellationToken Caller, CancellationToken Token)
    {
        public bool DeadlinePassed => Token.IsCancellationRequested && !Caller.IsCancellationRequested;

        public string DeadlineText => Deadline is TimeSpan d ? d.ToString("c", CultureInfo.InvariantCulture) : "(none)";
    }
}
