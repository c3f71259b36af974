using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Credentials;
using Sankofa.Ledger.Keys;

namespace Sankofa.Ledger.Identity.Credentials;

/// <summary>
/// The VC-JWT encoding of a <see cref="RoleCredential"/> (VC data model 1.1, "JWT and JWS" section): header
/// <c>{alg: ES256K, typ: JWT, kid: issuer#controller}</c>; claims iss, sub, nbf, iat, exp, jti and <c>vc</c> holding
/// <c>@context</c>, <c>type</c> and <c>credentialSubject {id, role, scope}</c>. The dates live in nbf/exp only, as the
/// encoding prescribes. Reading is strict: compact form, unpadded base64url, JSON objects without duplicate names.
/// </summary>
internal static class VcJwt
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 16 };

    /// <summary>Signs the credential with the control plane's key.</summary>
    public static string Encode(RoleCredential credential, SigningKey key)
    {
        var header = Json(w =>
        {
            w.WriteString("alg", Es256K.Algorithm);
            w.WriteString("typ", "JWT");
            w.WriteString("kid", credential.Issuer + EthrDid.ControllerFragment);
        });
        var payload = Json(w =>
        {
            w.WriteString("iss", credential.Issuer);
            w.WriteString("sub", credential.Subject);
            w.WriteNumber("nbf", credential.ValidFrom.ToUnixTimeSeconds());
            w.WriteNumber("iat", credential.IssuedAt.ToUnixTimeSeconds());
            w.WriteNumber("exp", credential.ValidUntil.ToUnixTimeSeconds());
            w.WriteString("jti", credential.Id);
            w.WriteStartObject("vc");
            w.WriteStartArray("@context");
            w.WriteStringValue(RoleCredential.Context);
            w.WriteEndArray();
            w.WriteStartArray("type");
            w.WriteStringValue(RoleCredential.BaseType);
            w.WriteStringValue(RoleCredential.Type);
            w.WriteEndArray();
            w.WriteStartObject("credentialSubject");
            w.WriteString("id", credential.Subject);
            w.WriteString("role", credential.Grant.Role);
            if (credential.Grant.Scope is { } scope)
            {
                w.WriteString("scope", scope);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });
        var signingInput = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload);
        return signingInput + "." + Base64Url.EncodeToString(Es256K.Sign(key, Encoding.ASCII.GetBytes(signingInput)));
    }

    /// <summary>Splits and decodes a compact JWS; <paramref name="problem"/> says what is wrong with it.</summary>
    public static bool TryParse(string jwt, [NotNullWhen(true)] out ParsedJwt? token, [NotNullWhen(false)] out string? problem)
    {
        token = null;
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            problem = $"A JWT has three base64url parts separated by dots; this has {parts.Length}.";
            return false;
        }

        if (!TryDecode(parts[0], "header", out var header, out problem)
            || !TryDecode(parts[1], "payload", out var payload, out problem)
            || !TryBase64(parts[2], "signature", out var signature, out problem, allowEmpty: true))
        {
            return false;
        }

        token = new ParsedJwt(header, payload, signature, Encoding.ASCII.GetBytes(jwt[..(parts[0].Length + 1 + parts[1].Length)]));
        return true;
    }

    /// <summary>Reads the credential out of the claims; <paramref name="problem"/> names the claim at fault.</summary>
    public static bool TryReadCredential(JsonElement claims, [NotNullWhen(true)] out RoleCredential? credential, [NotNullWhen(false)] out string? problem)
    {
        credential = null;
        if (!TryString(claims, "iss", out var issuer, out problem)
            || !TryString(claims, "sub", out var subject, out problem)
            || !TryString(claims, "jti", out var id, out problem)
            || !TryTime(claims, "nbf", out var validFrom, out problem)
            || !TryTime(claims, "iat", out var issuedAt, out problem)
            || !TryTime(claims, "exp", out var validUntil, out problem))
        {
            return false;
        }

        if (validUntil <= validFrom)
        {
            problem = "Claim 'exp' must be after 'nbf'.";
            return false;
        }

        if (!claims.TryGetProperty("vc", out var vc) || vc.ValueKind != JsonValueKind.Object)
        {
            problem = "Claim 'vc' (the verifiable credential) is missing or not an object.";
            return false;
        }

        if (!vc.TryGetProperty("@context", out var context) || context.ValueKind != JsonValueKind.Array || context.GetArrayLength() == 0
            || context[0].ValueKind != JsonValueKind.String || context[0].GetString() != RoleCredential.Context)
        {
            problem = $"'vc.@context' must be an array starting with {RoleCredential.Context}.";
            return false;
        }

        if (!vc.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.Array
            || !HasString(type, RoleCredential.BaseType) || !HasString(type, RoleCredential.Type))
        {
            problem = $"'vc.type' must list {RoleCredential.BaseType} and {RoleCredential.Type}.";
            return false;
        }

        if (!vc.TryGetProperty("credentialSubject", out var holder) || holder.ValueKind != JsonValueKind.Object)
        {
            problem = "'vc.credentialSubject' is missing or not an object.";
            return false;
        }

        if (!TryString(holder, "id", out var holderId, out _) || holderId != subject)
        {
            problem = "'vc.credentialSubject.id' must equal claim 'sub'.";
            return false;
        }

        if (!TryString(holder, "role", out var role, out _))
        {
            problem = "'vc.credentialSubject.role' is missing or not a non-empty string.";
            return false;
        }

        string? scope = null;
        if (holder.TryGetProperty("scope", out var scopeValue) && scopeValue.ValueKind != JsonValueKind.Null && !TryString(holder, "scope", out scope, out _))
        {
            problem = "'vc.credentialSubject.scope' must be a non-empty string when present.";
            return false;
        }

        if (!RoleGrant.TryParse(scope is null ? role : role + "@" + scope, out var grant) || grant.Scope != scope)
        {
            problem = $"'vc.credentialSubject' holds no valid role grant: role '{role}' with {(scope is null ? "no scope" : $"scope '{scope}'")}.";
            return false;
        }

        credential = new RoleCredential(id, issuer, subject, grant, issuedAt, validFrom, validUntil);
        return true;
    }

    private static bool TryDecode(string part, string name, out JsonElement element, [NotNullWhen(false)] out string? problem)
    {
        element = default;
        if (!TryBase64(part, name, out var bytes, out problem))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes, Strict);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problem = $"The {name} is not a JSON object.";
                return false;
            }

            element = document.RootElement.Clone();
            return true;
        }
        catch (JsonException ex)
        {
            problem = $"The {name} is not valid JSON: {ex.Message}";
            return false;
        }
    }

    // An unsecured JWS (alg none) has an empty signature: it is read, so that its alg is what gets refused.
    private static bool TryBase64(string part, string name, out byte[] bytes, [NotNullWhen(false)] out string? problem, bool allowEmpty = false)
    {
        bytes = [];
        // JWS uses base64url without padding; '=' or the standard alphabet means something rewrote the token.
        if ((part.Length == 0 && !allowEmpty) || part.Contains('=', StringComparison.Ordinal) || !Base64Url.IsValid(part))
        {
            problem = $"The {name} is not unpadded base64url.";
            return false;
        }

        bytes = Base64Url.DecodeFromChars(part);
        problem = null;
        return true;
    }

    private static bool TryString(JsonElement claims, string name, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? problem)
    {
        value = claims.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        problem = string.IsNullOrEmpty(value) ? $"Claim '{name}' is missing or not a non-empty string." : null;
        return problem is null;
    }

    // NumericDate: whole seconds since the epoch, within what DateTimeOffset can hold.
    private static bool TryTime(JsonElement claims, string name, out DateTimeOffset value, [NotNullWhen(false)] out string? problem)
    {
        value = default;
        if (!claims.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.Number
            || !element.TryGetInt64(out var seconds) || seconds < 0 || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            problem = $"Claim '{name}' is missing or not a whole number of seconds since 1970.";
            return false;
        }

        value = DateTimeOffset.FromUnixTimeSeconds(seconds);
        problem = null;
        return true;
    }

    private static bool HasString(JsonElement array, string value) =>
        array.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.String && e.GetString() == value);

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>A decoded compact JWS.</summary>
/// <param name="Header">The protected header.</param>
/// <param name="Claims">The payload's claims.</param>
/// <param name="Signature">The signature bytes.</param>
/// <param name="SigningInput">ASCII of header.payload as received, what the signature covers.</param>
internal sealed record ParsedJwt(JsonElement Header, JsonElement Claims, byte[] Signature, byte[] SigningInput)
{
    /// <summary>A header parameter's string value, or null.</summary>
    public string? HeaderString(string name) =>
        Header.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A claim's string value, or null.</summary>
    public string? ClaimString(string name) =>
        Claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
