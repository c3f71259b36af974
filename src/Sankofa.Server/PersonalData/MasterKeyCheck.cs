using Microsoft.Extensions.Options;
using Sankofa.Core.PersonalData;

namespace Sankofa.Server.PersonalData;

/// <summary>
/// At start, once the store is migrated: a master key that does not open the stored subject keys (a replica given another
/// key, or a fresh key file beside an old database) stops the server naming the setting, rather than fail every read of
/// personal data later.
/// </summary>
internal sealed class MasterKeyCheck(PersonalDataVault vault) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await vault.OpensStoredKeysAsync(cancellationToken))
        {
            throw new OptionsValidationException("PersonalData:MasterKey", typeof(PersonalDataOptions),
                ["PersonalData:MasterKey (or PersonalData:MasterKeyFile) does not open the personal-data keys in the store: every server sharing the database needs the key that made them."]);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
