using OpenIddict.Abstractions;
using Sankofa.Core;
using Sankofa.Core.Access;
using Sankofa.Core.PersonalData;

namespace Sankofa.Server.PersonalData;

/// <summary>
/// An erasure as every adapter (REST, GraphQL) makes it: Core's crypto-shredding, then the issuer's stored tokens and
/// authorizations of the subject, so nothing of it is left to renew or to read. One place, so no adapter forgets a step.
/// </summary>
/// <param name="subjects">Core's export and erasure.</param>
/// <param name="tokens">The issuer's stored tokens.</param>
/// <param name="authorizations">The issuer's stored authorizations.</param>
internal sealed class SubjectEraser(SubjectAccessService subjects, IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations)
{
    /// <summary>Erases <paramref name="subjectId"/> as <paramref name="caller"/> (audited as <paramref name="actor"/>), or says why not.</summary>
    public async Task<Result<SubjectErasureResult>> EraseAsync(Caller caller, string actor, string subjectId, CancellationToken cancellationToken)
    {
        var result = await subjects.EraseAsync(caller, actor, subjectId, cancellationToken);
        if (result.Error is not null)
        {
            return result;
        }

        await foreach (var token in tokens.FindBySubjectAsync(subjectId, cancellationToken))
        {
            await tokens.DeleteAsync(token, cancellationToken);
        }

        await foreach (var authorization in authorizations.FindBySubjectAsync(subjectId, cancellationToken))
        {
            await authorizations.DeleteAsync(authorization, cancellationToken);
        }

        return result;
    }
}
