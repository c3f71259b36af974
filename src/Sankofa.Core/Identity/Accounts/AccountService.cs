using Sankofa.Core.Access;
using System.Text.Json;
using Sankofa.Core.Audit;
using Sankofa.Core.Provisioning;

namespace Sankofa.Core.Identity.Accounts;

/// <summary>
/// Users and service accounts: creation, role grants, suspension, reinstatement, revocation and passwords. Every change
/// is stored with its audit entry and the chain steps it calls for in one transaction (the outbox); the
/// <see cref="AccountChainSync"/> then records those steps on the IdentityRegistry. Also the embedded issuer's
/// <see cref="IAccountDirectory"/>: password checks, throttled per name and client address, at most
/// <see cref="AccountOptions.MaxConcurrentPasswordChecks"/> hashing at once.
/// Passwords, client secrets and their hashes never reach an audit entry, an exception message or a log line.
/// </summary>
public sealed class AccountService : IAccountDirectory
{
    private readonly IAccountStore store;
    private readonly ISecretHasher hasher;
    private readonly IControllerKeyGenerator keys;
    private readonly AccountOptions options;
    private readonly TimeProvider time;
    private readonly SignInThrottle throttle;
    private readonly Action? stepsQueued;
    private readonly IReadOnlyList<IPasswordChangeObserver> observers;
    private readonly IPersonalDataSealer? personalData;
    private readonly Action<PasswordCheckOutcome>? signedIn;

    // Hashing is deliberately slow: checks beyond this many wait, so a burst of guesses cannot take every core.
    private readonly SemaphoreSlim hashing;

    // Checked against for unknown names, so an unknown name costs as much time as a wrong password.
    private readonly Lazy<string> decoyHash;

    /// <summary>Creates the service.</summary>
    /// <param name="store">Accounts and their chain outbox.</param>
    /// <param name="hasher">Hashes passwords and client secrets.</param>
    /// <param name="keys">Makes controller keys.</param>
    /// <param name="options">Rules and throttling.</param>
    /// <param name="time">The clock (throttling, timestamps).</param>
    /// <param name="stepsQueued">Called after a change queued chain steps, to wake the sender.</param>
    /// <param name="observers">Told about password changes.</param>
    /// <param name="personalData">Encrypts users' personal data under their own keys (docs/personal-data.md); without it users get no profile fields and names stay in clear in audit payloads.</param>
    /// <param name="signedIn">Told the outcome of every sign-in's password check (the host's metrics); must be cheap.</param>
    public AccountService(
        IAccountStore store, ISecretHasher hasher, IControllerKeyGenerator keys, AccountOptions options, TimeProvider time,
        Action? stepsQueued = null, IEnumerable<IPasswordChangeObserver>? observers = null, IPersonalDataSealer? personalData = null,
        Action<PasswordCheckOutcome>? signedIn = null)
    {
        this.signedIn = signedIn;
        this.personalData = personalData;
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.hasher = hasher ?? throw new ArgumentNullException(nameof(hasher));
        this.keys = keys ?? throw new ArgumentNullException(nameof(keys));
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        this.stepsQueued = stepsQueued;
        this.observers = [.. observers ?? []];
        throttle = new SignInThrottle(options, time);
        hashing = new SemaphoreSlim(options.MaxConcurrentPasswordChecks);
        decoyHash = new(() => hasher.Hash(AccountRules.GeneratePassword(24)));
    }

    /// <summary>
    /// Creates a user. Without a password one is generated and returned once, and must be changed at first sign-in
    /// (as must any when <paramref name="mustChangePassword"/> is set). An e-mail address and a display name, when given, are
    /// stored encrypted under the user's own key.
    /// </summary>
    public async Task<Result<CreatedAccount>> CreateUserAsync(
        string actor, string? userName, string? password, IReadOnlyList<string>? roles, bool mustChangePassword, CancellationToken cancellationToken,
        string? email = null, string? displayName = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (AccountRules.NameProblem(userName) is { } nameProblem)
        {
            errors["userName"] = [nameProblem];
        }

        if (password is not null && AccountRules.PasswordProblem(password, userName, options.MinPasswordLength) is { } passwordProblem)
        {
            errors["password"] = [passwordProblem];
        }

        var grants = AccountRules.ParseRoles(roles, "roles", errors);
        var personal = PersonalFields.Validate(email, displayName, errors);
        if (personal.Count > 0 && personalData is null)
        {
            errors[personal.Keys.First()] = ["This server keeps no personal data."];
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var generated = password is null ? AccountRules.GeneratePassword(options.GeneratedPasswordLength) : null;
        var result = await CreateAsync(actor, AccountKind.User, userName!, password ?? generated!, mustChangePassword || generated is not null, grants, "userName", cancellationToken, personal)
            .ConfigureAwait(false);
        return result.Error is { } error ? error : Result<CreatedAccount>.Ok(result.Value! with { Password = generated });
    }

    /// <summary>
    /// Creates a service account (client credentials); its client secret is generated and returned once, unless one is
    /// given (a bootstrap client whose secret the operator configured).
    /// </summary>
    public async Task<Result<CreatedAccount>> CreateServiceAsync(
        string actor, string? clientId, IReadOnlyList<string>? roles, CancellationToken cancellationToken, string? clientSecret = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (AccountRules.NameProblem(clientId) is { } nameProblem)
        {
            errors["clientId"] = [nameProblem];
        }

        var grants = AccountRules.ParseRoles(roles, "roles", errors);
        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        if (clientSecret is { Length: < AccountRules.MinClientSecretLength })
        {
            errors["clientSecret"] = [$"At least {AccountRules.MinClientSecretLength} characters."];
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var secret = clientSecret ?? AccountRules.GenerateClientSecret();
        var result = await CreateAsync(actor, AccountKind.Service, clientId!, secret, false, grants, "clientId", cancellationToken, null).ConfigureAwait(false);
        return result.Error is { } error ? error : Result<CreatedAccount>.Ok(result.Value! with { ClientSecret = secret });
    }

    /// <summary>An account by name (user name or service client name), or null.</summary>
    public Task<StoredAccount?> FindByNameAsync(string name, CancellationToken cancellationToken) => store.FindByNameAsync(name, cancellationToken);

    /// <summary>An account as stored (for the API's view; never serialise it whole), or null.</summary>
    public Task<StoredAccount?> FindAsync(string accountId, CancellationToken cancellationToken) => store.GetAsync(accountId, cancellationToken);

    /// <summary>Suspends an active identity: access stops, role grants are kept.</summary>
    public Task<Result<StoredAccount>> SuspendAsync(string actor, string accountId, CancellationToken cancellationToken) =>
        ChangeStatusAsync(actor, accountId, IdentityStatus.Suspended, cancellationToken);

    /// <summary>Makes a suspended identity active again.</summary>
    public Task<Result<StoredAccount>> ReinstateAsync(string actor, string accountId, CancellationToken cancellationToken) =>
        ChangeStatusAsync(actor, accountId, IdentityStatus.Active, cancellationToken);

    /// <summary>Revokes an identity for good: it can never act, change or be reinstated again.</summary>
    public Task<Result<StoredAccount>> RevokeAsync(string actor, string accountId, CancellationToken cancellationToken) =>
        ChangeStatusAsync(actor, accountId, IdentityStatus.Revoked, cancellationToken);

    /// <summary>Grants a role (written <c>role</c> or <c>role@scope</c>); granting one already held changes nothing.</summary>
    public async Task<Result<StoredAccount>> GrantRoleAsync(string actor, string accountId, string? role, CancellationToken cancellationToken)
    {
        if (AccountRules.ParseRole(role) is not { } grant)
        {
            return Error.Invalid(new Dictionary<string, string[]> { ["role"] = [AccountRules.RoleProblem(role)] });
        }

        return await ChangeAsync(accountId, account =>
        {
            if (account.Roles.Contains(grant))
            {
                return null;
            }

            return (account with { Roles = [.. account.Roles, grant] }, [new ChainStep(ChainAction.GrantRole, grant.Role, grant.Scope)],
                new AuditEvent(actor, "identity.role.granted", Subject(account.Id), JsonSerializer.Serialize(new { role = grant.ToClaim() })));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes a role (written <c>role</c> or <c>role@scope</c>); a role not held is a 404 naming it.</summary>
    public async Task<Result<StoredAccount>> RevokeRoleAsync(string actor, string accountId, string? role, CancellationToken cancellationToken)
    {
        if (AccountRules.ParseRole(role) is not { } grant)
        {
            return Error.Invalid(new Dictionary<string, string[]> { ["role"] = [AccountRules.RoleProblem(role)] });
        }

        var missing = false;
        var result = await ChangeAsync(accountId, account =>
        {
            if (!account.Roles.Contains(grant))
            {
                missing = true;
                return null;
            }

            return (account with { Roles = [.. account.Roles.Where(g => g != grant)] }, [new ChainStep(ChainAction.RevokeRole, grant.Role, grant.Scope)],
                new AuditEvent(actor, "identity.role.revoked", Subject(account.Id), JsonSerializer.Serialize(new { role = grant.ToClaim() })));
        }, cancellationToken, allowRevoked: true).ConfigureAwait(false);
        return missing ? Error.NotFound("role", $"Identity '{accountId}' does not hold '{grant.ToClaim()}'.") : result;
    }

    /// <inheritdoc />
    public async Task<PasswordCheck> CheckPasswordAsync(string userName, string password, CancellationToken cancellationToken, string? clientAddress = null)
    {
        var (check, _) = await VerifyAsync(userName, password, clientAddress, cancellationToken).ConfigureAwait(false);
        signedIn?.Invoke(check.Outcome);
        return check;
    }

    /// <inheritdoc />
    public async Task<PasswordCheck> ChangePasswordAsync(
        string userName, string currentPassword, string newPassword, CancellationToken cancellationToken, string? clientAddress = null)
    {
        var (check, stored) = await VerifyAsync(userName, currentPassword, clientAddress, cancellationToken).ConfigureAwait(false);
        if (stored is null || check.Outcome is PasswordCheckOutcome.NotActive)
        {
            return check;
        }

        if (AccountRules.PasswordProblem(newPassword, stored.Name, options.MinPasswordLength) is not null || newPassword == currentPassword)
        {
            return new PasswordCheck(PasswordCheckOutcome.WeakPassword, stored.ToAccount());
        }

        var hash = await HashingAsync(() => hasher.Hash(newPassword), cancellationToken).ConfigureAwait(false);
        var changed = await ChangeAsync(stored.Id, account => (account with { SecretHash = hash, MustChangePassword = false }, [],
            // The subject names the identity; its user name would be personal data in a hashed payload.
            new AuditEvent(account.Id, "identity.password.changed", Subject(account.Id), "{}")),
            cancellationToken).ConfigureAwait(false);
        if (changed.Error is not null)
        {
            // Revoked or gone between the check and the write.
            return new PasswordCheck(PasswordCheckOutcome.NotActive, stored.ToAccount());
        }

        var account = changed.Value!.ToAccount();
        foreach (var observer in observers)
        {
            await observer.PasswordChangedAsync(account, cancellationToken).ConfigureAwait(false);
        }

        return new PasswordCheck(PasswordCheckOutcome.Succeeded, account);
    }

    /// <inheritdoc />
    public async Task<Account?> GetAsync(string accountId, CancellationToken cancellationToken) =>
        (await store.GetAsync(accountId, cancellationToken).ConfigureAwait(false))?.ToAccount();

    /// <inheritdoc />
    public async Task<Account?> GetClientAsync(string clientId, CancellationToken cancellationToken) =>
        (await store.GetAsync(clientId, cancellationToken).ConfigureAwait(false)
         ?? await store.FindByNameAsync(clientId, cancellationToken).ConfigureAwait(false)) is { Kind: AccountKind.Service } service
            ? service.ToAccount()
            : null;

    private async Task<(PasswordCheck Check, StoredAccount? Account)> VerifyAsync(string? name, string? secret, string? clientAddress, CancellationToken cancellationToken)
    {
        var normalized = (name ?? string.Empty).Trim().ToLowerInvariant();
        var possible = AccountRules.NameProblem(normalized) is null;

        // Names no account can have share one throttle bucket: posting arbitrary (and huge) names must not grow its memory.
        // Failures count per name and address, so whoever guesses locks out only his own address.
        name = (possible ? normalized : "\0impossible") + "\n" + clientAddress;
        if (throttle.Begin(name) is { } wait)
        {
            return (new PasswordCheck(PasswordCheckOutcome.Throttled, RetryAfter: wait), null);
        }

        StoredAccount? stored;
        try
        {
            stored = possible ? await store.FindByNameAsync(normalized, cancellationToken).ConfigureAwait(false) : null;
        }
        catch
        {
            throttle.Abandoned(name);
            throw;
        }

        if (stored?.Kind != AccountKind.User)
        {
            stored = null;
        }

        // Always one hash check, against a decoy for unknown names, so timing does not tell which names exist.
        bool right;
        try
        {
            right = await HashingAsync(() => hasher.Verify(stored?.SecretHash ?? decoyHash.Value, secret ?? string.Empty), cancellationToken).ConfigureAwait(false)
                && stored is not null && !string.IsNullOrEmpty(secret);
        }
        catch
        {
            throttle.Abandoned(name);
            throw;
        }

        if (!right)
        {
            throttle.Failed(name);
            return (new PasswordCheck(PasswordCheckOutcome.InvalidCredentials), null);
        }

        throttle.Succeeded(name);
        var account = stored!.ToAccount();
        var outcome = stored.Status != IdentityStatus.Active ? PasswordCheckOutcome.NotActive
            : stored.MustChangePassword ? PasswordCheckOutcome.MustChangePassword
            : PasswordCheckOutcome.Succeeded;
        return (new PasswordCheck(outcome, account), stored);
    }

    /// <summary>Runs a password hash or check once a hashing slot is free.</summary>
    private async Task<T> HashingAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await hashing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return work();
        }
        finally
        {
            hashing.Release();
        }
    }

    private async Task<Result<CreatedAccount>> CreateAsync(
        string actor, AccountKind kind, string name, string secret, bool mustChangePassword, IReadOnlyList<RoleGrant> grants, string nameField,
        CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? personal)
    {
        // Each identity queues chain transactions: a tenant (or site) holds a bounded number of them.
        foreach (var scope in grants.Select(g => g.Scope).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (await store.CountInScopeAsync(scope, cancellationToken).ConfigureAwait(false) >= options.MaxIdentitiesPerScope)
            {
                return Error.Conflict("roles", $"'{scope}' holds {options.MaxIdentitiesPerScope} identities already, the most allowed (Identity:Accounts:MaxIdentitiesPerScope).");
            }
        }

        var key = keys.Generate();
        var now = time.GetUtcNow();
        ChainStep[] steps = [new ChainStep(ChainAction.Register), .. grants.Select(g => new ChainStep(ChainAction.GrantRole, g.Role, g.Scope))];
        var account = new StoredAccount(
            AccountRules.NewId(kind), kind, name, hasher.Hash(secret), mustChangePassword, IdentityStatus.Active, key.Address.ToLowerInvariant(),
            SubjectHashing.NewSalt(), grants, now, now, 0, AccountChainState.New with { PendingSteps = steps.Length });
        // A user's name is personal data: the payload (which is hashed and anchored) carries it sealed under the user's own
        // key, so erasing the key leaves the entry verifiable and the name unreadable. A service's client id is not a person's.
        // A value sealed inside a payload is bound to its JSON property's name ("name"), which is how an export finds and opens it.
        var sealName = kind == AccountKind.User && personalData is not null;
        var payloadName = sealName ? await personalData!.SealAsync(account.Id, "name", name, cancellationToken).ConfigureAwait(false) : name;
        if (personal is { Count: > 0 })
        {
            await personalData!.StoreAsync(account.Id, personal, cancellationToken).ConfigureAwait(false);
        }

        var audit = new AuditEvent(actor, "identity.account.created", Subject(account.Id), JsonSerializer.Serialize(new
        {
            kind = kind == AccountKind.User ? "user" : "service",
            name = payloadName,
            roles = grants.Select(g => g.ToClaim()),
            controller = account.Controller,
            mustChangePassword,
        }));
        try
        {
            await store.CreateAsync(account, steps, audit, cancellationToken).ConfigureAwait(false);
        }
        catch (AccountConflictException)
        {
            await ForgetPersonalDataAsync(sealName, account.Id).ConfigureAwait(false);
            return Error.Conflict(nameField, $"An identity named '{name}' exists already.");
        }
        catch
        {
            await ForgetPersonalDataAsync(sealName, account.Id).ConfigureAwait(false);
            throw;
        }

        stepsQueued?.Invoke();
        return Result<CreatedAccount>.Ok(new CreatedAccount(account, key.PrivateKey, null, null));
    }

    /// <summary>An identity that was not created keeps no personal data (its key and fields were stored first).</summary>
    private async Task ForgetPersonalDataAsync(bool sealedAny, string accountId)
    {
        if (sealedAny && personalData is not null)
        {
            await personalData.ForgetAsync(accountId, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<Result<StoredAccount>> ChangeStatusAsync(string actor, string accountId, IdentityStatus target, CancellationToken cancellationToken)
    {
        var (action, verb) = target switch
        {
            IdentityStatus.Suspended => (ChainAction.Suspend, "suspended"),
            IdentityStatus.Active => (ChainAction.Reinstate, "reinstated"),
            _ => (ChainAction.Revoke, "revoked"),
        };
        Error? refused = null;
        var result = await ChangeAsync(accountId, account =>
        {
            var allowed = target switch
            {
                IdentityStatus.Suspended => account.Status == IdentityStatus.Active,
                IdentityStatus.Active => account.Status == IdentityStatus.Suspended,
                _ => account.Status is IdentityStatus.Active or IdentityStatus.Suspended,
            };
            if (!allowed)
            {
                refused = Error.Conflict("status", $"Identity '{account.Id}' is {account.Status.ToWord()}; it cannot be {verb}.");
                return null;
            }

            return (account with { Status = target }, [new ChainStep(action)],
                new AuditEvent(actor, "identity.account." + verb, Subject(account.Id), JsonSerializer.Serialize(new { from = account.Status.ToWord(), to = target.ToWord() })));
        }, cancellationToken).ConfigureAwait(false);
        return refused is { } error ? error : result;
    }

    /// <summary>
    /// Reads the account, lets <paramref name="change"/> decide (null: nothing to do), and stores the outcome with its chain
    /// steps and audit entry; a concurrent change makes it read and decide again.
    /// </summary>
    private async Task<Result<StoredAccount>> ChangeAsync(
        string accountId, Func<StoredAccount, (StoredAccount Updated, ChainStep[] Steps, AuditEvent Audit)?> change, CancellationToken cancellationToken,
        bool allowRevoked = false)
    {
        for (var attempt = 0; ; attempt++)
        {
            var account = await store.GetAsync(accountId, cancellationToken).ConfigureAwait(false);
            if (account is null)
            {
                return Error.NotFound("id", $"There is no identity '{accountId}'.");
            }

            if (account.Status == IdentityStatus.Revoked && !allowRevoked)
            {
                return Error.Conflict("status", $"Identity '{accountId}' is revoked; a revoked identity never changes again.");
            }

            if (change(account) is not { } decided)
            {
                return Result<StoredAccount>.Ok(account);
            }

            try
            {
                var stored = await store.UpdateAsync(decided.Updated with { UpdatedAt = time.GetUtcNow() }, decided.Steps, decided.Audit, cancellationToken)
                    .ConfigureAwait(false);
                if (decided.Steps.Length > 0)
                {
                    stepsQueued?.Invoke();
                }

                return Result<StoredAccount>.Ok(stored);
            }
            catch (AccountConflictException) when (attempt < 3)
            {
                // Another request changed the account between our read and write: decide again on what it is now.
            }
        }
    }

    private static string Subject(string accountId) => "identity:" + accountId;

}
