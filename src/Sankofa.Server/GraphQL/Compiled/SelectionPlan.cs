using System.Collections;
using System.Text.Encodings.Web;
using System.Text.Json;
using GraphQL;
using GraphQL.Resolvers;
using GraphQL.Types;
using GraphQLParser.AST;

namespace Sankofa.Server.GraphQL.Compiled;

/// <summary>
/// One query operation compiled once into the fields it writes: the root field's resolver runs as GraphQL.NET runs it,
/// and the object it returns is written straight to JSON by walking a fixed list of fields per object, instead of one
/// execution node, resolve context and boxed result per field (6,000 of them for a page of 100 resources).
/// </summary>
/// <remarks>
/// Only what is sure to answer exactly as GraphQL.NET does is compiled: one root field among <see cref="RootFields"/>,
/// object types among <see cref="ObjectTypes"/> (whose resolvers read only their source), fields without arguments
/// below the root, fragments and inline fragments on the type itself, no directives, no response key twice. Anything a
/// plan meets at run time that it cannot write as the executor would (a null where the schema says non-null, a resolver
/// that throws or does not finish at once, a value of an unexpected kind) makes it give up, and the operation runs
/// through GraphQL.NET, which answers it with its errors.
/// </remarks>
internal sealed class SelectionPlan
{
    /// <summary>Root query fields a plan may run (their resolvers need the arguments and the caller, and get them).</summary>
    public static readonly IReadOnlySet<string> RootFields = new HashSet<string>(StringComparer.Ordinal) { "resources", "resource" };

    /// <summary>Object types whose fields are plain reads of their source, so a plan may call their resolvers with only the source set.</summary>
    public static readonly IReadOnlySet<string> ObjectTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "ResourcePage", "Resource", "Spec", "Placement", "RejectedCandidate", "ResourceEvent",
    };

    private SelectionPlan(GraphQLField root, FieldType definition, IObjectGraphType rootType, FieldPlan field)
    {
        Root = root;
        Definition = definition;
        RootType = rootType;
        Field = field;
    }

    /// <summary>The root field as the document has it (its arguments are looked up by it).</summary>
    public GraphQLField Root { get; }

    /// <summary>The root field's definition, whose resolver runs.</summary>
    public FieldType Definition { get; }

    /// <summary>The query type.</summary>
    public IObjectGraphType RootType { get; }

    /// <summary>What is written for the root field.</summary>
    public FieldPlan Field { get; }

    /// <summary>Compiles <paramref name="operation"/>, or says in words why it cannot be.</summary>
    public static SelectionPlan? TryCompile(ISchema schema, GraphQLDocument document, GraphQLOperationDefinition operation, out string? whyNot)
    {
        try
        {
            whyNot = null;
            if (operation.Operation != OperationType.Query || schema.Query is not { } query)
            {
                return Refuse("not a query", out whyNot);
            }

            if (operation.Directives?.Count > 0)
            {
                return Refuse("directives on the operation", out whyNot);
            }

            var selections = operation.SelectionSet.Selections;
            if (selections.Count != 1 || selections[0] is not GraphQLField root || !RootFields.Contains(root.Name.StringValue))
            {
                return Refuse("the root selection is not one of " + string.Join(", ", RootFields), out whyNot);
            }

            if (root.Directives?.Count > 0)
            {
                return Refuse("directives on the root field", out whyNot);
            }

            var definition = query.GetField(root.Name.Value);
            if (definition?.ResolvedType is null)
            {
                return Refuse("no such root field", out whyNot);
            }

            var compiler = new Compiler(document);
            var field = compiler.Field(root, definition, argumentsAllowed: true);
            return field is null ? Refuse(compiler.WhyNot ?? "not compiled", out whyNot) : new SelectionPlan(root, definition, query, field);
        }
        catch (InvalidOperationException ex)
        {
            // A schema or document shape the compiler did not expect: the general executor answers it.
            whyNot = ex.Message;
            return null;
        }
    }

    private static SelectionPlan? Refuse(string reason, out string? whyNot)
    {
        whyNot = reason;
        return null;
    }

    /// <summary>
    /// Writes <c>{"key": value}</c> for the root field's resolved <paramref name="value"/>; false when the executor
    /// must answer instead (nothing written is kept then).
    /// </summary>
    public bool TryWrite(Utf8JsonWriter writer, object? value)
    {
        var context = new ResolveFieldContext();
        try
        {
            writer.WriteStartObject();
            writer.WritePropertyName(Field.Key);
            if (!Field.TryWriteValue(writer, value, context))
            {
                return false;
            }

            writer.WriteEndObject();
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // A resolver or a scalar's serializer threw: the executor turns that into the error GraphQL.NET shows.
            return false;
        }
    }

    /// <summary>Compiles selection sets against object types, merging fragments as GraphQL's field collection does.</summary>
    private sealed class Compiler(GraphQLDocument document)
    {
        public string? WhyNot { get; private set; }

        public FieldPlan? Field(GraphQLField field, FieldType definition, bool argumentsAllowed)
        {
            if (field.Directives?.Count > 0)
            {
                return Fail($"directives on '{field.Name.StringValue}'");
            }

            if (!argumentsAllowed && field.Arguments?.Count > 0)
            {
                return Fail($"arguments on '{field.Name.StringValue}'");
            }

            var key = (field.Alias?.Name ?? field.Name).StringValue;
            var type = definition.ResolvedType!;
            var nonNull = Unwrap(ref type);
            if (type is ListGraphType list)
            {
                var item = list.ResolvedType ?? throw new InvalidOperationException("A list type without its item type.");
                var itemNonNull = Unwrap(ref item);
                if (item is ListGraphType)
                {
                    return Fail("a list of lists");
                }

                var itemWriter = Writer(field, item);
                return itemWriter is null ? null : new FieldPlan(key, definition.Resolver, nonNull, isList: true, itemNonNull, itemWriter.Value.Scalar, itemWriter.Value.Object);
            }

            var writer = Writer(field, type);
            return writer is null ? null : new FieldPlan(key, definition.Resolver, nonNull, isList: false, itemNonNull: false, writer.Value.Scalar, writer.Value.Object);
        }

        private (ScalarGraphType? Scalar, ObjectPlan? Object)? Writer(GraphQLField field, IGraphType type)
        {
            switch (type)
            {
                case ScalarGraphType scalar when field.SelectionSet is null:
                    return (scalar, null);
                case IObjectGraphType objectType when field.SelectionSet is not null && ObjectTypes.Contains(objectType.Name):
                    var plan = Object(objectType, field.SelectionSet);
                    return plan is null ? null : (null, plan);
                default:
                    Fail($"'{field.Name.StringValue}' is of type {type.Name}, which plans do not write");
                    return null;
            }
        }

        private ObjectPlan? Object(IObjectGraphType type, GraphQLSelectionSet selectionSet)
        {
            var fields = new List<FieldPlan>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            return Collect(type, selectionSet, fields, keys, depth: 0) ? new ObjectPlan(type.Name, [.. fields]) : null;
        }

        /// <summary>Fields in document order, fragments spread in place; a response key met twice is left to the executor (it merges them).</summary>
        private bool Collect(IObjectGraphType type, GraphQLSelectionSet selectionSet, List<FieldPlan> fields, HashSet<string> keys, int depth)
        {
            if (depth > 16)
            {
                Fail("fragments nested too deep");
                return false;
            }

            foreach (var selection in selectionSet.Selections)
            {
                switch (selection)
                {
                    case GraphQLField field:
                        var key = (field.Alias?.Name ?? field.Name).StringValue;
                        if (!keys.Add(key))
                        {
                            Fail($"the response key '{key}' twice");
                            return false;
                        }

                        if (field.Name.StringValue == "__typename")
                        {
                            if (field.Directives?.Count > 0 || field.Arguments?.Count > 0)
                            {
                                Fail("directives or arguments on __typename");
                                return false;
                            }

                            fields.Add(FieldPlan.TypeName(key, type.Name));
                            continue;
                        }

                        var definition = type.GetField(field.Name.Value);
                        if (definition?.ResolvedType is null || definition.Resolver is null)
                        {
                            Fail($"'{field.Name.StringValue}' has no resolver on {type.Name}");
                            return false;
                        }

                        var plan = Field(field, definition, argumentsAllowed: false);
                        if (plan is null)
                        {
                            return false;
                        }

                        fields.Add(plan);
                        break;
                    case GraphQLInlineFragment inline:
                        if (inline.Directives?.Count > 0 || (inline.TypeCondition is { } condition && condition.Type.Name.StringValue != type.Name))
                        {
                            Fail("an inline fragment with directives or on another type");
                            return false;
                        }

                        if (!Collect(type, inline.SelectionSet, fields, keys, depth + 1))
                        {
                            return false;
                        }

                        break;
                    case GraphQLFragmentSpread spread:
                        var fragment = document.Definitions.OfType<GraphQLFragmentDefinition>()
                            .FirstOrDefault(f => f.FragmentName.Name.Value == spread.FragmentName.Name.Value);
                        if (spread.Directives?.Count > 0 || fragment is null || fragment.Directives?.Count > 0
                            || fragment.TypeCondition.Type.Name.StringValue != type.Name)
                        {
                            Fail("a fragment spread with directives, unknown or on another type");
                            return false;
                        }

                        if (!Collect(type, fragment.SelectionSet, fields, keys, depth + 1))
                        {
                            return false;
                        }

                        break;
                    default:
                        Fail("an unknown kind of selection");
                        return false;
                }
            }

            return true;
        }

        private static bool Unwrap(ref IGraphType type)
        {
            if (type is NonNullGraphType nonNull)
            {
                type = nonNull.ResolvedType ?? throw new InvalidOperationException("A non-null type without its inner type.");
                return true;
            }

            return false;
        }

        private FieldPlan? Fail(string reason)
        {
            WhyNot ??= reason;
            return null;
        }
    }
}

/// <summary>The fields of one object type as a selection set asks for them, in order.</summary>
/// <param name="TypeName">The object type's name (for <c>__typename</c>).</param>
/// <param name="Fields">The fields in response order.</param>
internal sealed record ObjectPlan(string TypeName, FieldPlan[] Fields)
{
    /// <summary>Writes the object, or false when the executor must answer instead.</summary>
    public bool TryWrite(Utf8JsonWriter writer, object source, ResolveFieldContext context)
    {
        writer.WriteStartObject();
        foreach (var field in Fields)
        {
            writer.WritePropertyName(field.Key);
            if (field.Constant is { } constant)
            {
                writer.WriteStringValue(constant);
                continue;
            }

            context.Source = source;
            var pending = field.Resolver!.ResolveAsync(context);
            if (!pending.IsCompletedSuccessfully || !field.TryWriteValue(writer, pending.Result, context))
            {
                return false;
            }
        }

        writer.WriteEndObject();
        return true;
    }
}

/// <summary>One field of a plan: its response key, resolver, nullability and what its value is written as.</summary>
internal sealed class FieldPlan
{
    internal FieldPlan(string key, IFieldResolver? resolver, bool nonNull, bool isList, bool itemNonNull, ScalarGraphType? scalar, ObjectPlan? objectPlan)
    {
        // The key as the executor writes it: a property name through the writer's encoder (escaped at write time).
        Key = key;
        Resolver = resolver;
        NonNull = nonNull;
        IsList = isList;
        ItemNonNull = itemNonNull;
        Scalar = scalar;
        Object = objectPlan;
    }

    /// <summary>The response key (alias or name).</summary>
    public string Key { get; }

    /// <summary>The field's resolver (null for <c>__typename</c>).</summary>
    public IFieldResolver? Resolver { get; }

    /// <summary>For <c>__typename</c>, the type's name; else null.</summary>
    public string? Constant { get; private init; }

    /// <summary>Whether null is refused (the executor would null the parent and report an error: left to it).</summary>
    public bool NonNull { get; }

    /// <summary>Whether the value is a list.</summary>
    public bool IsList { get; }

    /// <summary>Whether a list's items are non-null.</summary>
    public bool ItemNonNull { get; }

    /// <summary>The scalar the value (or each item) is, or null for an object.</summary>
    public ScalarGraphType? Scalar { get; }

    /// <summary>The object the value (or each item) is, or null for a scalar.</summary>
    public ObjectPlan? Object { get; }

    /// <summary>A <c>__typename</c> field.</summary>
    public static FieldPlan TypeName(string key, string typeName) => new(key, null, true, false, false, null, null) { Constant = typeName };

    /// <summary>Writes a resolved value, or false when the executor must answer instead.</summary>
    public bool TryWriteValue(Utf8JsonWriter writer, object? value, ResolveFieldContext context)
    {
        if (value is null)
        {
            if (NonNull)
            {
                return false;
            }

            writer.WriteNullValue();
            return true;
        }

        if (!IsList)
        {
            return TryWriteItem(writer, value, context);
        }

        if (value is not IEnumerable items || value is string)
        {
            return false;
        }

        writer.WriteStartArray();
        foreach (var item in items)
        {
            if (item is null)
            {
                if (ItemNonNull)
                {
                    return false;
                }

                writer.WriteNullValue();
            }
            else if (!TryWriteItem(writer, item, context))
            {
                return false;
            }
        }

        writer.WriteEndArray();
        return true;
    }

    private bool TryWriteItem(Utf8JsonWriter writer, object value, ResolveFieldContext context) =>
        Object is { } objectPlan ? objectPlan.TryWrite(writer, value, context) : TryWriteScalar(writer, Scalar!.Serialize(value));

    /// <summary>
    /// A serialized scalar as System.Text.Json's own converters write it for the executor (each of these converters is one
    /// call to the writer); any other kind of value is left to the executor.
    /// </summary>
    private static bool TryWriteScalar(Utf8JsonWriter writer, object? serialized)
    {
        switch (serialized)
        {
            case string s:
                writer.WriteStringValue(s);
                return true;
            case int i:
                writer.WriteNumberValue(i);
                return true;
            case long l:
                writer.WriteNumberValue(l);
                return true;
            case double d:
                writer.WriteNumberValue(d);
                return true;
            case bool b:
                writer.WriteBooleanValue(b);
                return true;
            case DateTimeOffset o:
                writer.WriteStringValue(o);
                return true;
            case DateTime t:
                writer.WriteStringValue(t);
                return true;
            default:
                // null (the scalar could not serialize the value: the executor reports it) or a kind not written here.
                return false;
        }
    }
}

/// <summary>Whether answers written by plans are byte for byte what the executor's serializer writes.</summary>
internal static class PlanJson
{
    /// <summary>
    /// True when the serializer writes with no naming policy, plain numbers, no indentation and no converter of its own
    /// for the scalars a plan writes, so the plan's writer, given the same encoder, writes the same bytes.
    /// </summary>
    public static bool WritesAsPlans(JsonSerializerOptions options) =>
        options.PropertyNamingPolicy is null
        && options.NumberHandling == System.Text.Json.Serialization.JsonNumberHandling.Strict
        && !options.WriteIndented
        && !options.Converters.Any(c => Written.Any(c.CanConvert));

    /// <summary>The writer options matching <paramref name="options"/> (its encoder; no validation cost beyond the default).</summary>
    public static JsonWriterOptions WriterOptions(JsonSerializerOptions options) =>
        new() { Encoder = options.Encoder ?? JavaScriptEncoder.Default, Indented = false, SkipValidation = true };

    private static readonly Type[] Written = [typeof(string), typeof(int), typeof(long), typeof(double), typeof(bool), typeof(DateTimeOffset), typeof(DateTime)];
}
