using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace Sankofa.Ledger.Contracts;

// ABI shapes of IdentityRegistry for Nethereum's encoder. Identity writes are rare and one per transaction, so the
// library's reflection-based encoding costs nothing that matters; statusesOf, the one read a cache repeats, is encoded
// by hand in IdentityRegistryCalls.
#pragma warning disable CA1812 // instantiated by Nethereum's decoder

[Function("register")]
internal sealed class RegisterFunction : FunctionMessage
{
    [Parameter("bytes32", "id", 1)] public byte[] Id { get; set; } = [];
    [Parameter("bytes32", "subjectHash", 2)] public byte[] SubjectHash { get; set; } = [];
    [Parameter("address", "controller", 3)] public string Controller { get; set; } = string.Empty;
}

[Function("suspend")]
internal sealed class SuspendFunction : FunctionMessage
{
    [Parameter("bytes32", "id", 1)] public byte[] Id { get; set; } = [];
}

[Function("reinstate")]
internal sealed class ReinstateFunction : FunctionMessage
{
    [Parameter("bytes32", "id", 1)] public byte[] Id { get; set; } = [];
}

[Function("revoke")]
internal sealed class RevokeFunction : FunctionMessage
{
    [Parameter("bytes32", "id", 1)] public byte[] Id { get; set; } = [];
}

[Function("grantIdentityRole")]
internal sealed class GrantIdentityRoleFunction : FunctionMessage
{
    [Parameter("bytes32", "id", 1)] public byte[] Id { get; set; } = [];
    [Parameter("bytes32", "role", 2)] public byte[] Role { get; set; } = [];
    [Parameter("bytes32", "scope", 3)] public byte[] Scope { get; set; } = [];
}

[Function("revokeIdentityRole")]
internal sealed class RevokeIdentityRoleFunction : FunctionMessage
{
    [Parameter("bytes32", "id", 1)] public byte[] Id { get; set; } = [];
    [Parameter("bytes32", "role", 2)] public byte[] Role { get; set; } = [];
    [Parameter("bytes32", "scope", 3)] public byte[] Scope { get; set; } = [];
}

/// <summary>AccessControl's grantRole(bytes32, address): the admin lets another key act.</summary>
[Function("grantRole")]
internal sealed class GrantRoleFunction : FunctionMessage
{
    [Parameter("bytes32", "role", 1)] public byte[] Role { get; set; } = [];
    [Parameter("address", "account", 2)] public string Account { get; set; } = string.Empty;
}

[Function("recordOf", typeof(RecordOfOutput))]
internal sealed class RecordOfFunction : FunctionMessage
{
    [Parameter("bytes32", "id", 1)] public byte[] Id { get; set; } = [];
}

[Function("rolesOf", typeof(RolesOfOutput))]
internal sealed class RolesOfFunction : FunctionMessage
{
    [Parameter("bytes32", "id", 1)] public byte[] Id { get; set; } = [];
}

[Function("hasIdentityRole", "bool")]
internal sealed class HasIdentityRoleFunction : FunctionMessage
{
    [Parameter("bytes32", "id", 1)] public byte[] Id { get; set; } = [];
    [Parameter("bytes32", "role", 2)] public byte[] Role { get; set; } = [];
    [Parameter("bytes32", "scope", 3)] public byte[] Scope { get; set; } = [];
}

[Function("identityOf", "bytes32")]
internal sealed class IdentityOfFunction : FunctionMessage
{
    [Parameter("address", "controller", 1)] public string Controller { get; set; } = string.Empty;
}

[FunctionOutput]
internal sealed class RecordOfOutput : IFunctionOutputDTO
{
    [Parameter("tuple", "", 1)] public IdentityTuple Identity { get; set; } = new();
}

internal sealed class IdentityTuple
{
    [Parameter("bytes32", "subjectHash", 1)] public byte[] SubjectHash { get; set; } = [];
    [Parameter("address", "controller", 2)] public string Controller { get; set; } = string.Empty;
    [Parameter("uint8", "status", 3)] public byte Status { get; set; }
    [Parameter("uint64", "updatedBlock", 4)] public BigInteger UpdatedBlock { get; set; }
}

[FunctionOutput]
internal sealed class RolesOfOutput : IFunctionOutputDTO
{
    [Parameter("tuple[]", "", 1)] public List<RoleGrantTuple> Grants { get; set; } = [];
}

internal sealed class RoleGrantTuple
{
    [Parameter("bytes32", "role", 1)] public byte[] Role { get; set; } = [];
    [Parameter("bytes32", "scope", 2)] public byte[] Scope { get; set; } = [];
}
#pragma warning restore CA1812
