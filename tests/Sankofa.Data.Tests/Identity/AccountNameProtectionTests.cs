using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Sankofa.Core.Audit;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.PersonalData;

namespace Sankofa.Data.Tests.Identity;

/// <summary>
/// Account names at rest against real SQLite and PostgreSQL, read with plain SQL behind the store: a user's name is only
/// indexed and sealed, a service's client id stays beside its index, and rows an older version stored in clear are moved
/// to that form once, whoever else runs the move at the same time.
/// </summary>
public sealed class AccountNameProtectionTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 10, 30, 0, TimeSpan.Zero);
    private static readonly AccountNameProtector Names = new(TestStore.MasterKey);

    public static TheoryData<string> Providers => TestStore.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_user_row_holds_its_name_only_indexed_and_sealed_and_is_found_by_it_while_a_service_keeps_its_client_id(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        await CreateAsync(test, "usr-1", "ama.mensah", AccountKind.User);
        await CreateAsync(test, "svc-1", "billing-export", AccountKind.Service);

        var user = await RowAsync(test, "usr-1");
        Assert.Null(user.Name);
        Assert.Equal(Index("ama.mensah"), user.NameIndex);
        Assert.StartsWith(PersonalDataCipher.Prefix, user.SealedName, StringComparison.Ordinal);
        Assert.DoesNotContain("ama", await AllTextAsync(test, "usr-1"), StringComparison.Ordinal);
        Assert.Equal(("billing-export", Index("billing-export"), (string?)null), (await RowAsync(test, "svc-1")).Deconstructed());

        Assert.Equal(("usr-1", "ama.mensah"), await FoundAsync(test, "ama.mensah"));
        Assert.Equal(("svc-1", "billing-export"), await FoundAsync(test, "billing-export"));
        Assert.Null(await test.Accounts.FindByNameAsync("ama", CancellationToken.None));
        Assert.Equal("ama.mensah", (await test.Accounts.GetAsync("usr-1", CancellationToken.None))!.Name);
        Assert.Equal(["billing-export", "ama.mensah"], (await test.Accounts.ListAsync(new AccountQuery(), CancellationToken.None)).Items.Select(a => a.Name));
        // The name is sealed under the user's own key, made with the account.
        Assert.NotNull((await test.PersonalData.GetKeyAsync("usr-1", CancellationToken.None))?.WrappedKey);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Rows_stored_in_clear_by_an_older_version_are_indexed_and_sealed_once_even_when_two_servers_run_the_backfill_together(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        // As an older version left them: a user without a key, a user with one, a service, an erased user, all names in clear.
        await InsertOldRowAsync(test, "usr-old1", "user", "kwame");
        await InsertOldRowAsync(test, "usr-old2", "user", "efua");
        await test.PersonalData.AddKeyAsync("usr-old2", Names.NewWrappedKey("usr-old2"), Now, CancellationToken.None);
        await InsertOldRowAsync(test, "svc-old3", "service", "old-client");
        await InsertOldRowAsync(test, "usr-old4", "user", "~erased:usr-old4");
        await using (var db = test.CreateContext())
        {
            await db.Database.ExecuteSqlAsync($"INSERT INTO personal_data_keys (subject_id, wrapped_key, created_at_ms, erased_at_ms) VALUES ('usr-old4', NULL, 0, 0)");
        }

        await CreateAsync(test, "usr-new", "yaa", AccountKind.User);

        var changed = await Task.WhenAll(test.Accounts.ProtectClearNamesAsync(1, CancellationToken.None), test.Accounts.ProtectClearNamesAsync(2, CancellationToken.None));

        Assert.Equal(4, changed.Sum());
        Assert.Equal(0, await test.Accounts.ProtectClearNamesAsync(100, CancellationToken.None));
        foreach (var (id, name) in new[] { ("usr-old1", "kwame"), ("usr-old2", "efua") })
        {
            var row = await RowAsync(test, id);
            Assert.Equal(((string?)null, Index(name)), (row.Name, row.NameIndex));
            Assert.StartsWith(PersonalDataCipher.Prefix, row.SealedName, StringComparison.Ordinal);
            Assert.Equal((id, name), await FoundAsync(test, name));
        }

        Assert.Equal(("old-client", Index("old-client"), (string?)null), (await RowAsync(test, "svc-old3")).Deconstructed());
        Assert.Equal(("svc-old3", "old-client"), await FoundAsync(test, "old-client"));
        Assert.Equal(((string?)null, (string?)null, (string?)null), (await RowAsync(test, "usr-old4")).Deconstructed());
        Assert.Equal("~erased:usr-old4", (await test.Accounts.GetAsync("usr-old4", CancellationToken.None))!.Name);
        Assert.Equal(("usr-new", "yaa"), await FoundAsync(test, "yaa"));
        foreach (var name in new[] { "kwame", "efua", "yaa" })
        {
            Assert.DoesNotContain(name, await AllTextAsync(test, null), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_erasure_drops_the_index_so_the_name_finds_nothing_and_a_new_account_may_take_it(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        await CreateAsync(test, "usr-1", "ama", AccountKind.User);

        Assert.True(await test.PersonalData.EraseAsync(new SubjectErasure("usr-1", "ama", Now), new AuditEvent("tester", SubjectAccessService.ErasedAction, "identity:usr-1", "{}"),
            CancellationToken.None));

        var erased = await RowAsync(test, "usr-1");
        Assert.Equal(((string?)null, (string?)null), (erased.Name, erased.NameIndex));
        Assert.StartsWith(PersonalDataCipher.Prefix, erased.SealedName, StringComparison.Ordinal); // kept, and without its key noise
        Assert.Null(await test.Accounts.FindByNameAsync("ama", CancellationToken.None));
        Assert.Equal("~erased:usr-1", (await test.Accounts.GetAsync("usr-1", CancellationToken.None))!.Name);

        await CreateAsync(test, "usr-2", "ama", AccountKind.User);
        Assert.Equal(("usr-2", "ama"), await FoundAsync(test, "ama"));
    }

    private static Task CreateAsync(TestStore test, string id, string name, AccountKind kind) => test.Accounts.CreateAsync(
        new StoredAccount(id, kind, name, "hash", false, IdentityStatus.Active, "0x" + Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(id.PadRight(20, '0')[..20])),
            SubjectHashing.NewSalt(), [], Now, Now, 0, AccountChainState.New),
        [], new AuditEvent("tester", "identity.account.created", "identity:" + id, "{}"), CancellationToken.None);

    private static async Task<(string Id, string Name)?> FoundAsync(TestStore test, string name) =>
        await test.Accounts.FindByNameAsync(name, CancellationToken.None) is { } found ? (found.Id, found.Name) : null;

    private static async Task InsertOldRowAsync(TestStore test, string id, string kind, string name)
    {
        await using var db = test.CreateContext();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO accounts (id, kind, name, secret_hash, must_change_password, status, controller, created_at_ms, updated_at_ms, version, chain_status)
            VALUES ({id}, {kind}, {name}, 'hash', FALSE, 'active', {"0x" + id.PadLeft(40, '0')}, 0, 0, 0, 'none')
            """);
    }

    /// <summary>The account's name columns, read with plain SQL.</summary>
    private static async Task<NameColumns> RowAsync(TestStore test, string id)
    {
        await using var db = test.CreateContext();
        await using var command = await CommandAsync(db, "SELECT name, name_index, sealed_name FROM accounts WHERE id = @id", id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), id);
        return new NameColumns(
            reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : Convert.ToHexStringLower((byte[])reader.GetValue(1)), reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    /// <summary>
    /// The clear text columns of the account rows (of one, or all), joined, as a copy of the database would show them; the
    /// sealed name is checked apart (random base64 may spell anything short).
    /// </summary>
    private static async Task<string> AllTextAsync(TestStore test, string? id)
    {
        await using var db = test.CreateContext();
        await using var command = await CommandAsync(db, "SELECT id, kind, coalesce(name, ''), secret_hash, status, controller FROM accounts WHERE @id IS NULL OR id = @id", id);
        await using var reader = await command.ExecuteReaderAsync();
        var text = new System.Text.StringBuilder();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                text.Append(reader.GetString(i)).Append('|');
            }
        }

        return text.ToString();
    }

    private static async Task<DbCommand> CommandAsync(SankofaDbContext db, string sql, string? id)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "id";
        parameter.Value = (object?)id ?? DBNull.Value;
        parameter.DbType = System.Data.DbType.String;
        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>The blind index of a name under the test master key, in hex as <see cref="RowAsync"/> reads it.</summary>
    private static string Index(string name) => Convert.ToHexStringLower(Names.Index(name));

    /// <param name="Name">The clear name column.</param>
    /// <param name="NameIndex">The blind index, in hex.</param>
    /// <param name="SealedName">The sealed name.</param>
    private sealed record NameColumns(string? Name, string? NameIndex, string? SealedName)
    {
        public (string?, string?, string?) Deconstructed() => (Name, NameIndex, SealedName);
    }
}
