using System.Buffers;
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
        var errors = new Dictionary<string, string[]>();
        if (auditEvent is null)
        {
            errors["body"] = ["A JSON body with actor, action, subject and payload is required."];
            return errors;
        }

        Name(errors, "actor", auditEvent.Actor);
        Name(errors, "action", auditEvent.Action);
        Name(errors, "subject", auditEvent.Subject);
        if (auditEvent.Action is { Length: > 0 } action && !action.Contains('.', StringComparison.Ordinal))
        {
            errors["action"] = ["Must be written as feature.verb, e.g. 'ledger.contract.deployed'."];
        }

        if (auditEvent.Payload is null)
        {
            errors["payload"] = ["Required; use {} when there are no details."];
        }
        else if (auditEvent.Payload.Length > MaxPayloadLength)
        {
            errors["payload"] = [$"At most {MaxPayloadLength} characters."];
        }
        else if (!IsJson(auditEvent.Payload))
        {
            errors["payload"] = ["Must be valid JSON."];
        }

        return errors;
    }

    private static void Name(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = ["Required."];
        }
        else if (value.Length > MaxNameLength)
        {
            errors[field] = [$"At most {MaxNameLength} characters."];
        }
        else if (value.Any(char.IsControl))
        {
            errors[field] = ["Must not contain control characters."];
        }
    }

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
