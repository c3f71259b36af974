using System.Text.Json;

namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>Reading a GraphQL answer in tests: a field's data (no errors allowed), the first error and its code.</summary>
internal static class GraphAnswers
{
    public static JsonElement Data(JsonElement answer, string field)
    {
        Assert.False(answer.TryGetProperty("errors", out _), answer.ToString());
        return answer.GetProperty("data").GetProperty(field);
    }

    public static JsonElement Error(JsonElement answer) =>
        answer.TryGetProperty("errors", out var errors) ? errors[0] : throw new Xunit.Sdk.XunitException("expected an error: " + answer);

    public static string Code(JsonElement answer) => Error(answer).GetProperty("extensions").GetProperty("code").GetString()!;
}
