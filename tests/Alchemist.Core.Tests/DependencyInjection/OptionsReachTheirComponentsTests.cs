using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Alchemist.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Alchemist.Tests.DependencyInjection;

/// <summary>
/// No option can be dropped on its way to the component that uses it: for every options type <c>AddAlchemist</c>
/// registers, every public settable property (and every collection property) is set to a value other than its default
/// through the builder, the container is validated as a host does at start-up, and the component the pipeline uses is
/// asked for the options it works with.
/// </summary>
public class OptionsReachTheirComponentsTests
{
    /// <summary>For each options type: how the builder configures it, and the options the component in use holds.</summary>
    private static readonly Dictionary<Type, (Action<AlchemistBuilder, Action<object>> Configure, Func<IServiceProvider, object> InUse)> Components = new()
    {
        [typeof(LabelingPipelineOptions)] = ((b, set) => b.ConfigurePipeline(set), sp => Pipeline(sp).Options),
        [typeof(ChatSynthesizerOptions)] = ((b, set) => b.ConfigureSynthesis(set), sp => Pipeline(sp).Synthesizers.OfType<ChatProgramSynthesizer>().Single().Options),
        [typeof(OfflineSynthesizerOptions)] = ((b, set) => b.ConfigureOfflineSynthesizer(set), sp => Pipeline(sp).Synthesizers.OfType<OfflineProgramSynthesizer>().Single().Options),
        [typeof(SandboxOptions)] = ((b, set) => b.ConfigureSandbox(set), sp => Pipeline(sp).Compiler.Options),
        [typeof(ProgramGateOptions)] = ((b, set) => b.ConfigureGate(set), sp => Pipeline(sp).ProgramGate.Options),
        [typeof(LabelingApplierOptions)] = ((b, set) => b.ConfigureLabeling(set), sp => Pipeline(sp).Applier.Options),
        [typeof(ChatResilienceOptions)] = ((b, set) => b.ConfigureResilience(set), sp => Pipeline(sp).Synthesizers.OfType<ChatProgramSynthesizer>().Single().ChatClient.GetService<ResilientChatClient>()!.Options),
        [typeof(LogisticRegressionEndModelOptions)] = ((b, set) => b.ConfigureEndModel(set), sp => ((LogisticRegressionEndModel<string>)sp.GetRequiredService<IEndModel<string>>()).Options),
    };

    /// <summary>Where each app-wide option of <see cref="AlchemistOptions"/> arrives: the options of the components it is the default of.</summary>
    private static readonly Dictionary<string, Func<IServiceProvider, object?>[]> AppWide = new()
    {
        [nameof(AlchemistOptions.LabelModel)] = [sp => Pipeline(sp).Options.LabelModel],
        [nameof(AlchemistOptions.Seed)] = [sp => Pipeline(sp).Options.Seed, sp => Pipeline(sp).Synthesizers.OfType<ChatProgramSynthesizer>().Single().Options.Seed],
        [nameof(AlchemistOptions.MaxDegreeOfParallelism)] = [sp => Pipeline(sp).Applier.Options.MaxDegreeOfParallelism],
        [nameof(AlchemistOptions.QuarantineFaultRate)] = [sp => Pipeline(sp).Applier.Options.QuarantineFaultRate],
        [nameof(AlchemistOptions.UseOfflineSynthesizer)] = [sp => Pipeline(sp).Synthesizers.Any(s => s is OfflineProgramSynthesizer)],
    };

    [Fact]
    public void EveryRegisteredOptionsType_IsCovered()
    {
        Type[] registered = [.. Registered(new ServiceCollection().AddAlchemist().Services)];
        Assert.Equal(
            Components.Keys.Append(typeof(AlchemistOptions)).Select(t => t.Name).Order(StringComparer.Ordinal),
            registered.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, string> Properties()
    {
        var data = new TheoryData<string, string>();
        foreach (Type type in Components.Keys.Append(typeof(AlchemistOptions)))
        {
            foreach (PropertyInfo property in Configurable(type))
            {
                if (IsNestedOptions(property))
                {
                    // Options that hold options (LabelingPipelineOptions.Workers): each of their properties too.
                    foreach (PropertyInfo nested in Configurable(property.PropertyType))
                    {
                        data.Add(type.Name, property.Name + "." + nested.Name);
                    }
                }
                else
                {
                    data.Add(type.Name, property.Name);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Properties))]
    public async Task Property_SetThroughTheBuilder_ReachesTheComponentThatUsesIt(string typeName, string propertyName)
    {
        Type type = Components.Keys.Append(typeof(AlchemistOptions)).Single(t => t.Name == typeName);
        string[] path = propertyName.Split('.');
        PropertyInfo? outer = path.Length == 2 ? type.GetProperty(path[0])! : null;
        PropertyInfo property = (outer?.PropertyType ?? type).GetProperty(path[^1])!;
        object defaults = Activator.CreateInstance(property.DeclaringType!)!;
        object? value = NonDefaultValue(property, property.GetValue(defaults));
        Action<object> set = options => Set(property, outer is null ? options : outer.GetValue(options)!, value);

        var services = new ServiceCollection();
        using var chat = new ScriptedChatClient();
        AlchemistBuilder builder = type == typeof(AlchemistOptions)
            ? services.AddAlchemist(o => set(o))
            : services.AddAlchemist();
        builder.UseChatClient(_ => chat, p => p.UseResilience());
        if (type != typeof(AlchemistOptions))
        {
            Components[type].Configure(builder, set);
        }

        await using ServiceProvider provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None);

        if (type == typeof(AlchemistOptions))
        {
            foreach (Func<IServiceProvider, object?> arrived in AppWide[propertyName])
            {
                Assert.Equal(value, arrived(provider));
            }
        }
        else
        {
            object inUse = Components[type].InUse(provider);
            Assert.IsType(type, inUse);
            AssertArrived(property, value, property.GetValue(outer is null ? inUse : outer.GetValue(inUse)!));
        }
    }

    private static readonly Func<Exception, bool> ShouldRetryNothing = _ => false;
    private static readonly Func<Exception, TimeSpan?> NoRetryAfter = _ => null;

    private static LabelingPipeline Pipeline(IServiceProvider services) => services.GetRequiredService<LabelingPipeline>();

    private static IEnumerable<Type> Registered(IServiceCollection services) =>
        services
            .Select(d => d.ServiceType)
            .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IValidateOptions<>))
            .Select(t => t.GetGenericArguments()[0])
            .Distinct();

    /// <summary>The public properties a user can set: settable ones, and collections the options hold (added to).</summary>
    private static IEnumerable<PropertyInfo> Configurable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } || typeof(IEnumerable).IsAssignableFrom(p.PropertyType) && p.PropertyType != typeof(string));

    private static bool IsNestedOptions(PropertyInfo property) =>
        property.PropertyType.IsClass && property.PropertyType != typeof(string) && property.PropertyType.Name.EndsWith("Options", StringComparison.Ordinal);

    private static void Set(PropertyInfo property, object options, object? value)
    {
        switch (property.GetValue(options))
        {
            case IList<float> list when property.SetMethod is not { IsPublic: true }:
                list.Add((float)value!);
                break;
            case IDictionary<string, ModelPrice> prices when property.SetMethod is not { IsPublic: true }:
                ((KeyValuePair<string, ModelPrice>)value!).Deconstruct(out string model, out ModelPrice price);
                prices[model] = price;
                break;
            default:
                property.SetValue(options, value);
                break;
        }
    }

    private static void AssertArrived(PropertyInfo property, object? value, object? arrived)
    {
        switch (arrived)
        {
            case IList<float> list:
                Assert.Contains((float)value!, list);
                break;
            case IDictionary<string, ModelPrice> prices:
                var entry = (KeyValuePair<string, ModelPrice>)value!;
                Assert.Equal(entry.Value, prices[entry.Key]);
                break;
            default:
                Assert.Equal(value, arrived);
                break;
        }
    }

    private static readonly Alchemist.Tests.ConceptPrograms.HashedWordsEmbeddingGenerator Embeddings = new();

    /// <summary>A valid value other than the default: inside the property's range, a known label model for a label model name, another enum member.</summary>
    private static object? NonDefaultValue(PropertyInfo property, object? current)
    {
        Type type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        RangeAttribute? range = property.GetCustomAttribute<RangeAttribute>();
        return property.Name switch
        {
            "LabelModel" => "dawid-skene",
            "DirectLabelingModel" => "gpt-4.1-mini",
            "EmbeddingCacheFolder" => "embedding-cache",
            "EmbeddingGenerator" => Embeddings,
            "ModelId" => "another-model",
            "TextMember" => "Body",
            "Temperatures" => 0.35f,
            "Prices" => new KeyValuePair<string, ModelPrice>("some-model", new ModelPrice(1.25m, 5m)),
            "ShouldRetry" => ShouldRetryNothing,
            "RetryAfter" => NoRetryAfter,
            _ when type == typeof(bool) => !(bool)current!,
            _ when type.IsEnum => Enum.GetValues(type).Cast<object>().First(v => !v.Equals(current)),
            _ when type == typeof(TimeSpan) => (current is TimeSpan t ? t : TimeSpan.FromSeconds(1)) + TimeSpan.FromMilliseconds(7),
            _ when type == typeof(int) => (int)Step(range, current is int i ? i : null),
            _ when type == typeof(long) => (long)Step(range, current is long l ? l : null),
            _ when type == typeof(double) => Step(range, current is double d ? d : null),
            _ => throw new InvalidOperationException($"No test value for {property.DeclaringType!.Name}.{property.Name} ({property.PropertyType.Name}); add one."),
        };
    }

    /// <summary>A number inside the range: the default moved a little toward the middle of the range (or a point inside it when the default is null).</summary>
    private static double Step(RangeAttribute? range, double? current)
    {
        double min = range is null ? double.MinValue : Convert.ToDouble(range.Minimum, System.Globalization.CultureInfo.InvariantCulture);
        double max = range is null ? double.MaxValue : Convert.ToDouble(range.Maximum, System.Globalization.CultureInfo.InvariantCulture);
        if (current is not double value)
        {
            return Math.Min(max, Math.Max(min, 3)) is var inside && inside > min ? inside : min + 1;
        }

        bool integral = Math.Abs(value % 1) == 0 && Math.Abs(max % 1) == 0 && max - min >= 2;
        double up = integral ? value + 1 : value + ((max - value) / 2);
        double down = integral ? value - 1 : value - ((value - min) / 2);
        return up < max || (up == max && range is { MaximumIsExclusive: false }) ? up : down;
    }
}
