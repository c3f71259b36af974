using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Server.Identity.Accounts;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Identity.Accounts;

/// <summary>The first administrator: created once with a one-time password in a private file, never logged, the file gone once changed.</summary>
public sealed class InitialAdministratorTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-admin-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task The_first_start_creates_one_administrator_whose_one_time_password_is_only_in_a_private_file_until_changed()
    {
        var data = Path.Combine(directory.FullName, "server");
        var file = Path.Combine(data, "initial-admin-password");
        var logs = new LogCapture();
        string password;
        string adminId;
        await using (var server = await TestServer.StartAsync(data, configure: logs.AttachTo))
        {
            var initial = server.Services.GetRequiredService<InitialAdminPassword>();
            password = Assert.IsType<string>(initial.Password);
            Assert.Equal(20, password.Length);
            Assert.Equal(file, initial.FilePath);
            Assert.Equal(password, (await File.ReadAllTextAsync(file)).Trim());
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            var admin = Assert.Single((await server.Client.GetFromJsonAsync<IdentityPageResponse>("api/v1/identities?kind=user", Json.Options))!.Items);
            Assert.Equal(("admin", true), (admin.Name, admin.MustChangePassword));
            Assert.Equal(["platform-admin"], admin.Roles);
            adminId = admin.Id;
            var directoryCheck = await server.Services.GetRequiredService<IAccountDirectory>().CheckPasswordAsync("admin", password, CancellationToken.None);
            Assert.Equal(PasswordCheckOutcome.MustChangePassword, directoryCheck.Outcome);
            Assert.Contains(logs.Lines, l => l.Contains(file, StringComparison.Ordinal));
        }

        // A second start creates nothing, and the password not yet changed is still there to be shown.
        await using (var server = await TestServer.StartAsync(data, configure: logs.AttachTo))
        {
            Assert.Equal(password, server.Services.GetRequiredService<InitialAdminPassword>().Password);
            var users = (await server.Client.GetFromJsonAsync<IdentityPageResponse>("api/v1/identities?kind=user", Json.Options))!.Items;
            Assert.Equal([adminId], users.Select(u => u.Id));
            Assert.Single(await IdentityPolling.AuditActionsAsync(server.Client, adminId), a => a == "identity.account.created");
            var registered = await IdentityPolling.WaitRecordedAsync(server.Client, adminId);
            Assert.Equal("active", registered.OnChain!.Status);

            using var changed = await server.Client.PostAsJsonAsync("api/v1/identities/password",
                new { userName = "admin", currentPassword = password, newPassword = "the administrator's own password" });
            Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
            Assert.False(File.Exists(file));
            Assert.Null(server.Services.GetRequiredService<InitialAdminPassword>().Password);
        }

        await using (var server = await TestServer.StartAsync(data, configure: logs.AttachTo))
        {
            Assert.Null(server.Services.GetRequiredService<InitialAdminPassword>().Password);
            Assert.False(File.Exists(file));
            Assert.Single((await server.Client.GetFromJsonAsync<IdentityPageResponse>("api/v1/identities?kind=user", Json.Options))!.Items);
        }

        Assert.Empty(logs.Containing([password, "the administrator's own password"]));
    }
}
