using System.Buffers;
using System.Collections.ObjectModel;
using System.Text;
using System.Text.Json;

namespace Sankofa.Core.Audit;

/// <summary>What makes an audit event acceptable; the API reports the same field names.</summary>
public static class AuditEventRules
{
    /// <summary>Longest actor, action or subject accepted.</summary>
    public const int MaxNameLength = 256;

    /// <summary>Largest payload accepted, in UTF-8 characters.</summary>
    public const int MaxPayloadLength = 64 * 1024;

    /// <summary>Returns field name → problems; empty when the event is acceptable.</summary>
    public static IReadOnlyDictionary<string, string[]> Validate(AuditEvent? auditEvent)
    {
        // Made only when there is a problem: every append validates every event, and almost all are fine.
        Dictionary<string, string[]>? errors = null;
        if (auditEvent is null)
        {
            return new Dictionary<string, string[]> { ["body"] = ["A JSON body with actor, action, subject and payload is required."] };
        }

        Name(ref errors, "actor", auditEvent.Actor);
        Name(ref errors, "action", auditEvent.Action);
        Name(ref errors, "subject", auditEvent.Subject);
        if (auditEvent.Action is { Length: > 0 } action && !action.Contains('.', StringComparison.Ordinal))
        {
            Add(ref errors, "action", "Must be written as feature.verb, e.g. 'ledger.contract.deployed'.");
        }

        if (auditEvent.Payload is null)
        {
            Add(ref errors, "payload", "Required; use {} when there are no details.");
        }
        else if (auditEvent.Payload.Length > MaxPayloadLength)
        {
            Add(ref errors, "payload", $"At most {MaxPayloadLength} characters.");
        }
        else if (!IsJson(auditEvent.Payload))
        {
            Add(ref errors, "payload", "Must be valid JSON.");
        }

        return errors ?? (IReadOnlyDictionary<string, string[]>)ReadOnlyDictionary<string, string[]>.Empty;
    }

    private static void Add(ref Dictionary<string, string[]>? errors, string field, string problem) =>
        (errors ??= [])[field] = [problem];

    private static void Name(ref Dictionary<string, string[]>? errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(ref errors, field, "Required.");
        }
        else if (value.Length > MaxNameLength)
        {
            Add(ref errors, field, $"At most {MaxNameLength} characters.");
        }
        else if (HasControl(value))
        {
            Add(ref errors, field, "Must not contain control characters.");
        }
    }

    // char.IsControl's two ranges (C0 with DEL, C1), searched vectorised instead of char by char through LINQ.
    private static bool HasControl(string value) =>
        value.AsSpan().IndexOfAnyInRange('\u0000', '\u001F') >= 0 || value.AsSpan().IndexOfAnyInRange('\u007F', '\u009F') >= 0;

    // A forward-only read of one complete JSON value: no document is built, so validation stays cheap at audit rates.
    private static bool IsJson(string text)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, buffer);
            var reader = new Utf8JsonReader(buffer.AsSpan(0, length));
            while (reader.Read())
            {
            }

            return reader.BytesConsumed > 0;
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>An audit event broke <see cref="AuditEventRules"/>; carries the field errors for a 400 answer.</summary>
public sealed class AuditValidationException : Exception
{
    /// <summary>Creates the exception from field errors.</summary>
    public AuditValidationException(IReadOnlyDictionary<string, string[]> errors)
        : base("The audit event is invalid: " + string.Join("; ", errors.Select(e => e.Key + ": " + string.Join(" ", e.Value))))
        => Errors = errors;

    /// <summary>Field name → problems.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }
}
