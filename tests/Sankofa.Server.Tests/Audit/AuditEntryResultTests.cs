using System.Buffers;
using System.Text;
using System.Text.Json;
using Sankofa.Core.Audit;
using Sankofa.Server.Audit;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Audit;

/// <summary>One audit entry written field by field is what the serializer writes for <see cref="AuditEntryResponse"/>, in every state an entry can be in.</summary>
public sealed class AuditEntryResultTests
{
    [Fact]
    public void Pending_sealed_anchored_and_erased_entries_are_written_as_the_serializer_writes_them()
    {
        var at = new DateTimeOffset(2026, 12, 4, 21, 0, 1, 234, TimeSpan.Zero);
        byte[] H(byte b) => Enumerable.Repeat(b, 32).ToArray();
        var anchoredBatch = new AuditBatch(7, H(7), 1, 4, at, new AnchorRecord("0xabc", 42, at.AddSeconds(2)));
        var sealedBatch = new AuditBatch(8, H(8), 5, 1, at.AddHours(1), null);
        var views = new[]
        {
            new AuditEntryView(new AuditEntry(9, at, "api:admin", "site.noted", "site:edge-001", H(1), "{\"note\":\"Zürich <x> & \\\"y\\\"\"}", null), null),
            new AuditEntryView(new AuditEntry(8, at, "api:admin", "site.noted", "site:edge-001", H(2), null, new AuditSeal(5, H(3), H(4), 8, 0, [])), sealedBatch),
            new AuditEntryView(new AuditEntry(7, at, "api:admin", "vm.created", "vm-1", H(5), "{}", new AuditSeal(4, H(6), H(9), 7, 3, [.. H(10), .. H(11)])), anchoredBatch),
        };

        foreach (var view in views)
        {
            var written = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(written, new JsonWriterOptions { SkipValidation = true }))
            {
                AuditEntryResult.Write(writer, view);
            }

            var expected = JsonSerializer.SerializeToUtf8Bytes(view.Entry.ToResponse(view.Batch), Json.Options);
            Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(written.WrittenSpan));
        }
    }
}
