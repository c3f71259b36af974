using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using GraphQL;
using GraphQL.Execution;
using GraphQL.SystemTextJson;
using GraphQLParser.AST;
using ExecutionContext = GraphQL.Execution.ExecutionContext;
using Microsoft.Extensions.Options;

namespace Sankofa.Server.GraphQL.Compiled;

/// <summary>Settings of compiled selection sets (configuration section <c>GraphQL:CompiledSelections</c>).</summary>
public sealed class CompiledSelectionOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "GraphQL:CompiledSelections";

    /// <summary>
    /// Whether resource queries are answered by plans compiled once per document and operation (<see cref="SelectionPlan"/>);
    /// off, every query runs through GraphQL.NET's executor. Default true.
    /// </summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>
/// The query execution strategy: a query whose operation compiles to a <see cref="SelectionPlan"/> has its root field
/// resolved as GraphQL.NET resolves it (the same arguments, caller and services) and its answer written by the plan;
/// every other query, and any a plan gives up on, runs through <see cref="ParallelExecutionStrategy"/>.
/// </summary>
/// <remarks>
/// Parsing, validation (the cost limits with this request's variables included) and variable coercion have run before
/// a strategy is chosen, so a refused document never gets here. A plan is kept per operation node: the document cache
/// hands the same parsed document to every request with the same text, so a client paging with one document compiles once.
/// </remarks>
internal sealed partial class CompiledSelectionStrategy : ParallelExecutionStrategy
{
    private static readonly object NotCompiled = new();
    private readonly ConditionalWeakTable<GraphQLOperationDefinition, object> plans = [];
    private readonly bool enabled;
    private readonly JsonWriterOptions writerOptions;
    private readonly ILogger<CompiledSelectionStrategy> logger;
    private long compiled;
    private long general;

    /// <summary>Creates the strategy; plans are used only when the serializer writes as they do.</summary>
    public CompiledSelectionStrategy(
        IOptions<CompiledSelectionOptions> options, IGraphQLTextSerializer serializer, GraphQLSerializerOptions serializerOptions, ILogger<CompiledSelectionStrategy> logger)
    {
        this.logger = logger;

        // Asking for the serializer builds it, which hands its options to the holder.
        var json = serializer is GraphQLSerializer ? serializerOptions.Options : null;
        enabled = options.Value.Enabled && json is not null && PlanJson.WritesAsPlans(json);
        writerOptions = json is null ? default : PlanJson.WriterOptions(json);
        if (options.Value.Enabled && !enabled)
        {
            Log.PlansOff(logger);
        }
    }

    /// <summary>Queries answered by a plan since start (tests read it to know which path answered).</summary>
    public long CompiledAnswers => Interlocked.Read(ref compiled);

    /// <summary>Queries answered by the general executor since start.</summary>
    public long GeneralAnswers => Interlocked.Read(ref general);

    /// <inheritdoc />
    public override async Task<ExecutionResult> ExecuteAsync(ExecutionContext context)
    {
        if (enabled && Plan(context) is { } plan)
        {
            var answer = await TryAnswerAsync(context, plan).ConfigureAwait(false);
            if (answer is not null)
            {
                Interlocked.Increment(ref compiled);
                return answer;
            }
        }

        Interlocked.Increment(ref general);
        return await base.ExecuteAsync(context).ConfigureAwait(false);
    }

    private SelectionPlan? Plan(ExecutionContext context)
    {
        var operation = context.Operation;
        if (plans.TryGetValue(operation, out var kept))
        {
            return kept as SelectionPlan;
        }

        var plan = SelectionPlan.TryCompile(context.Schema, context.Document, operation, out var whyNot);
        if (plan is null)
        {
            Log.NotCompiled(logger, operation.Name?.StringValue ?? "(anonymous)", whyNot ?? "unknown");
        }

        plans.AddOrUpdate(operation, (object?)plan ?? NotCompiled);
        return plan;
    }

    /// <summary>The root field resolved and the answer written, or null when the executor must answer (it resolves again, and reports what went wrong).</summary>
    private async Task<ExecutionResult?> TryAnswerAsync(ExecutionContext context, SelectionPlan plan)
    {
        object? value;
        try
        {
            IDictionary<string, ArgumentValue>? arguments = null;
            context.ArgumentValues?.TryGetValue(plan.Root, out arguments);
            var resolve = new ResolveFieldContext
            {
                FieldAst = plan.Root,
                FieldDefinition = plan.Definition,
                ParentType = plan.RootType,
                Arguments = arguments,
                RootValue = context.RootValue,
                Source = context.RootValue,
                UserContext = context.UserContext,
                Schema = context.Schema,
                Document = context.Document,
                Operation = context.Operation,
                Variables = context.Variables,
                CancellationToken = context.CancellationToken,
                Metrics = context.Metrics,
                Errors = context.Errors,
                RequestServices = context.RequestServices,
                User = context.User,
                InputExtensions = context.InputExtensions,
                OutputExtensions = context.OutputExtensions,
                ExecutionContext = context,
            };
            value = await plan.Definition.Resolver!.ResolveAsync(resolve).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            // A refusal (FORBIDDEN, a bad cursor) or a fault: the executor runs the field again and reports it as it does.
            return null;
        }

        if (context.Errors.Count > 0)
        {
            return null;
        }

        var buffer = new PooledBuffer();
        using (var writer = new Utf8JsonWriter(buffer, writerOptions))
        {
            if (!plan.TryWrite(writer, value))
            {
                buffer.Dispose();
                return null;
            }
        }

        return new ExecutionResult
        {
            Executed = true,
            Data = new WrittenData(buffer),
            Query = context.ExecutionOptions.Query,
            Document = context.Document,
            Operation = context.Operation,
            Extensions = context.OutputExtensions,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1901, Level = LogLevel.Debug, Message = "GraphQL operation {Operation} is not compiled, the executor answers it: {Reason}")]
        public static partial void NotCompiled(ILogger logger, string operation, string reason);

        [LoggerMessage(EventId = 1902, Level = LogLevel.Information,
            Message = "GraphQL compiled selection sets are off: the serializer's options write otherwise than the plans (naming policy, number handling, indentation or converters)")]
        public static partial void PlansOff(ILogger logger);
    }
}

/// <summary>The options GraphQL.NET's serializer writes with, handed over when the serializer is built (it does not show them).</summary>
internal sealed class GraphQLSerializerOptions
{
    /// <summary>The serializer's options, or null before it is built.</summary>
    public JsonSerializerOptions? Options { get; set; }
}

/// <summary>An answer's <c>data</c>, already written by a plan: the serializer copies it in place.</summary>
[JsonConverter(typeof(WrittenDataConverter))]
internal sealed class WrittenData(PooledBuffer buffer)
{
    /// <summary>Copies the JSON to <paramref name="writer"/> and gives the buffer back (an answer is serialized once).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteRawValue(buffer.Written, skipInputValidation: true);
        buffer.Dispose();
    }
}

/// <summary>Writes <see cref="WrittenData"/> as the JSON it holds.</summary>
internal sealed class WrittenDataConverter : JsonConverter<WrittenData>
{
    /// <inheritdoc />
    public override WrittenData Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Written answers are only written.");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, WrittenData value, JsonSerializerOptions options) => value.WriteTo(writer);
}

/// <summary>A growing buffer rented from the shared pool (a page of 100 is ~190 KB: a new array each time would land on the large-object heap).</summary>
internal sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[]? array = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int written;

    /// <summary>What was written; refused once the buffer went back to the pool.</summary>
    public ReadOnlySpan<byte> Written => array is { } a ? a.AsSpan(0, written) : throw new ObjectDisposedException(nameof(PooledBuffer), "A written answer is serialized once.");

    /// <inheritdoc />
    public void Advance(int count) => written += count;

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint).AsMemory(written);

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).AsSpan(written);

    /// <inheritdoc />
    public void Dispose()
    {
        if (array is { } a)
        {
            array = null;
            ArrayPool<byte>.Shared.Return(a);
        }
    }

    private byte[] Ensure(int sizeHint)
    {
        var a = array ?? throw new ObjectDisposedException(nameof(PooledBuffer));
        var needed = written + Math.Max(sizeHint, 1);
        if (needed <= a.Length)
        {
            return a;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, a.Length * 2));
        a.AsSpan(0, written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(a);
        return array = bigger;
    }
}
