using Microsoft.Extensions.Options;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.PersonalData;

namespace Sankofa.Server.PersonalData;

/// <summary>Registers personal data: the master key, the vault that seals under per-subject keys, export and erasure.</summary>
internal static class PersonalDataServiceCollectionExtensions
{
    public static IServiceCollection AddSankofaPersonalData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PersonalDataOptions>().Bind(configuration.GetSection(PersonalDataOptions.Section))
            .Validate(o => o.MasterKey is null || PersonalDataMasterKeys.IsKey(o.MasterKey), "PersonalData:MasterKey must be 32 bytes in base64.")
            .ValidateOnStart();
        // Read (or made) at the first use, which is at start: the identity service is built by the first administrator's check.
        services.AddSingleton(sp => PersonalDataMasterKeys.Load(sp.GetRequiredService<IOptions<PersonalDataOptions>>().Value, configuration));
        services.AddSingleton<PersonalDataVault>();
        services.AddSingleton<IPersonalDataSealer>(sp => sp.GetRequiredService<PersonalDataVault>());
        // The account store finds accounts by a blind index of their names and keeps users' names sealed.
        services.AddSingleton<IAccountNameProtector, AccountNameProtector>();
        services.AddSingleton<SubjectAccessService>();
        // Scoped as the issuer's token and authorization managers it uses.
        services.AddScoped<SubjectEraser>();
        // Registered after the store, whose migrator runs first: hosted services start in registration order.
        services.AddHostedService<MasterKeyCheck>();
        // After the check: it seals names under the stored keys, which must open.
        services.AddHostedService<AccountNameBackfill>();
        return services;
    }
}
