namespace Sankofa.Core.Access;

/// <summary>The refusals of access checks, as <see cref="Error"/>s every adapter maps alike.</summary>
public static class AccessErrors
{
    /// <summary>A 403 for a caller whose roles give <paramref name="permission"/> nowhere.</summary>
    public static Error Forbidden(Permission permission) =>
        new(ErrorKind.Forbidden, $"Your roles do not allow this ({permission.ToName()}).", new Dictionary<string, string[]>())
        {
            MissingPermission = permission.ToName(),
        };

    /// <summary>
    /// Null when <paramref name="caller"/> may do <paramref name="permission"/> in <paramref name="tenantId"/>; else
    /// <paramref name="notFound"/> when it cannot see the tenant (so ids cannot be probed), or a 403 naming the permission.
    /// </summary>
    public static Error? Denied(Caller? caller, Permission permission, string tenantId, Error notFound) =>
        (caller is null ? AccessRefusal.Hidden : caller.Refusal(permission, tenantId)) switch
        {
            null => null,
            AccessRefusal.Hidden => notFound,
            _ => new(ErrorKind.Forbidden, $"Your roles in tenant '{tenantId}' do not allow this ({permission.ToName()}).", new Dictionary<string, string[]>())
            {
                MissingPermission = permission.ToName(),
            },
        };
}
