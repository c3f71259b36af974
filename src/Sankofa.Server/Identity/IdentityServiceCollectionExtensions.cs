using Microsoft.Extensions.Options;
using Sankofa.Core;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Ledger.Identity;
using Sankofa.Server.Identity.Accounts;

namespace Sankofa.Server.Identity;

/// <summary>Registers identity: accounts, the account directory, their chain recording and the first administrator.</summary>
internal static class IdentityServiceCollectionExtensions
{
    /// <summary>File in the data directory holding the first administrator's one-time password until it is changed.</summary>
    public const string InitialAdminPasswordFile = "initial-admin-password";

    /// <summary>
    /// Adds <see cref="AccountService"/> (also as <see cref="IAccountDirectory"/>), its hasher and controller keys, the
    /// worker that records identity steps on chain, and the hosted service that creates the first administrator.
    /// Register after the store and the ledger: hosted services start in registration order.
    /// </summary>
    public static IServiceCollection AddSankofaIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AccountOptions>().Bind(configuration.GetSection(AccountOptions.Section))
            .Validate(o => o.MinPasswordLength is >= 12 and <= AccountRules.MaxPasswordLength, "Identity:Accounts:MinPasswordLength must be between 12 and 256.")
            .Validate(o => o.FailureLimit >= 1, "Identity:Accounts:FailureLimit must be 1 or more.")
            .Validate(o => o.FailureWindow > TimeSpan.Zero, "Identity:Accounts:FailureWindow must be positive.")
            .Validate(o => o.ThrottleDelay > TimeSpan.Zero && o.MaxThrottleDelay >= o.ThrottleDelay,
                "Identity:Accounts:ThrottleDelay must be positive and no more than Identity:Accounts:MaxThrottleDelay.")
            .Validate(o => AccountRules.NameProblem(o.InitialAdminUserName) is null, "Identity:Accounts:InitialAdminUserName must be a valid user name.")
            .Validate(o => o.GeneratedPasswordLength is >= 16 and <= AccountRules.MaxPasswordLength, "Identity:Accounts:GeneratedPasswordLength must be between 16 and 256.")
            .Validate(o => o.ChainMinRetryDelay > TimeSpan.Zero && o.ChainMaxRetryDelay >= o.ChainMinRetryDelay,
                "Identity:Accounts:ChainMinRetryDelay must be positive and no more than Identity:Accounts:ChainMaxRetryDelay.")
            .Validate(o => o.ChainPollInterval > TimeSpan.Zero && o.ChainCheckInterval > TimeSpan.Zero && o.ChainCheckWindow >= 1,
                "Identity:Accounts:ChainPollInterval and Identity:Accounts:ChainCheckInterval must be positive, Identity:Accounts:ChainCheckWindow 1 or more.")
            .Validate(o => o.AddressAttemptLimit >= 1 && o.AddressAttemptWindow > TimeSpan.Zero,
                "Identity:Accounts:AddressAttemptLimit must be 1 or more and Identity:Accounts:AddressAttemptWindow positive.")
            .Validate(o => o.MaxConcurrentPasswordChecks >= 1, "Identity:Accounts:MaxConcurrentPasswordChecks must be 1 or more.")
            .Validate(o => o.MaxIdentitiesPerScope >= 1, "Identity:Accounts:MaxIdentitiesPerScope must be 1 or more.")
            .ValidateOnStart();
        services.AddPasswordRateLimit();
        services.AddSingleton<ISecretHasher, Pbkdf2SecretHasher>();
        services.AddSingleton<IControllerKeyGenerator, ControllerKeyGenerator>();
        services.AddSingleton<AccountChainSignal>();
        services.AddSingleton<ChainIdSource>();
        services.AddSingleton(sp => new InitialAdminPassword(
            sp.GetRequiredService<IOptions<AccountOptions>>().Value.InitialAdminUserName,
            Path.Combine(DataDirectory.Resolve(configuration[DataDirectory.Key]), InitialAdminPasswordFile)));
        services.AddSingleton<IPasswordChangeObserver, InitialAdministrator.PasswordChangeObserver>();
        services.AddSingleton(sp => new AccountService(
            sp.GetRequiredService<IAccountStore>(),
            sp.GetRequiredService<ISecretHasher>(),
            sp.GetRequiredService<IControllerKeyGenerator>(),
            sp.GetRequiredService<IOptions<AccountOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<AccountChainSignal>().Wake,
            sp.GetServices<IPasswordChangeObserver>(),
            sp.GetService<IPersonalDataSealer>(),
            Monitoring.SignInMetrics.Checked));
        services.AddSingleton<IAccountDirectory>(sp => sp.GetRequiredService<AccountService>());
        services.AddSingleton(sp => new AccountChainSync(
            sp.GetRequiredService<IAccountStore>(),
            sp.GetRequiredService<IIdentityLedger>(),
            sp.GetRequiredService<IOptions<AccountOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IdentityStatusChanges>();
        services.AddSingleton<IdentityAccess>();
        services.AddSingleton<IdentityQueries>();
        services.AddHostedService<InitialAdministrator>();
        services.AddHostedService<AccountChainWorker>();
        return services;
    }

    /// <summary>Maps the identity endpoints under <c>/api/v1/identities</c>.</summary>
    public static IEndpointRouteBuilder MapIdentityApi(this IEndpointRouteBuilder app) => app.MapAccountsApi();
}
