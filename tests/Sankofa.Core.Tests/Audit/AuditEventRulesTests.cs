using Sankofa.Core.Audit;

namespace Sankofa.Core.Tests.Audit;

public class AuditEventRulesTests
{
    [Fact]
    public void A_well_formed_event_has_no_errors() =>
        Assert.Empty(AuditEventRules.Validate(new AuditEvent("alice", "vm.created", "vm-1", """{"cores":2}""")));

    [Theory]
    [InlineData("", "vm.created", "vm-1", "{}", "actor")]
    [InlineData("alice", "created", "vm-1", "{}", "action")]
    [InlineData("alice", "vm.created", " ", "{}", "subject")]
    [InlineData("alice", "vm.created", "vm-1", "{not json", "payload")]
    [InlineData("alice", "vm.created", "vm-1", "{} {}", "payload")]
    [InlineData("alice", "vm.created", "vm-1", "", "payload")]
    [InlineData("alice", "vm.created", "vm-1", "{\"a\":1", "payload")]
    [InlineData("al\u0000ice", "vm.created", "vm-1", "{}", "actor")]
    [InlineData("alice", "vm.created\u001f", "vm-1", "{}", "action")]
    [InlineData("alice", "vm.created", "vm\u007f1", "{}", "subject")]
    [InlineData("alice", "vm.created", "vm-1\u0085", "{}", "subject")]
    public void Each_bad_field_is_named(string actor, string action, string subject, string payload, string field)
    {
        var errors = AuditEventRules.Validate(new AuditEvent(actor, action, subject, payload));

        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void Names_are_refused_for_exactly_the_characters_char_IsControl_names()
    {
        // The rule searches two ranges vectorised; every UTF-16 code unit is checked against char.IsControl's own answer.
        for (var c = char.MinValue; ; c++)
        {
            var errors = AuditEventRules.Validate(new AuditEvent("alice", "vm.created", "vm" + c + "1", "{}"));

            Assert.True(char.IsControl(c) == errors.ContainsKey("subject"), $"U+{(int)c:X4}");
            if (c == char.MaxValue)
            {
                break;
            }
        }
    }
}
