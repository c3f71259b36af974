using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;

namespace Sankofa.Core.Tests.Identity.Accounts;

/// <summary>What user names, passwords and role grants must look like.</summary>
public sealed class AccountRulesTests
{
    [Fact]
    public void Role_grants_are_parsed_from_their_claim_form_and_refused_naming_the_index_and_passwords_are_at_least_12_characters_and_not_the_user_name()
    {
        var errors = new Dictionary<string, string[]>();
        var grants = AccountRules.ParseRoles(["platform-admin", "tenant-admin@acme", "tenant-admin@acme", "operator", "viewer@Bad Scope", "root"], "roles", errors);

        Assert.Equal([new RoleGrant(Roles.PlatformAdmin), new RoleGrant(Roles.TenantAdmin, "acme")], grants);
        Assert.Equal(["roles[3]", "roles[4]", "roles[5]"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Null(AccountRules.PasswordProblem("twelve chars", "alice", 12));
        Assert.NotNull(AccountRules.PasswordProblem("eleven char", "alice", 12));
        Assert.NotNull(AccountRules.PasswordProblem("alice-the-admin", "Alice-The-Admin", 12));
    }

    [Theory]
    [InlineData("alice", true)]
    [InlineData("svc.agent_01-x", true)]
    [InlineData("Alice", false)]
    [InlineData("ab", false)]
    [InlineData("1abc", false)]
    [InlineData("a b c", false)]
    public void User_names_are_lower_case_words_of_3_to_64_characters(string name, bool accepted) =>
        Assert.Equal(accepted, AccountRules.NameProblem(name) is null);
}
