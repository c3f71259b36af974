using GraphQL;
using GraphQL.Types;

namespace Sankofa.Server.GraphQL;

/// <summary>
/// The GraphQL schema: the same application layer as the REST API, for clients that want to choose their fields and
/// follow links in one round trip. Introspection is on.
/// </summary>
public sealed class SankofaSchema : Schema
{
    /// <summary>Creates the schema with its root query.</summary>
    public SankofaSchema(IServiceProvider services, SankofaQuery query, SankofaMutation mutation) : base(services)
    {
        Query = query;
        Mutation = mutation;
        // Introspection reads the schema in memory: counted at a tenth, the query tools send stays far below the limit.
        this.WithIntrospectionComplexityImpact(0.1);
    }
}

/// <summary>
/// The root mutation: creating and deleting resources; hardware assets and their custody events; archiving and deleting
/// old audit entries; erasing a subject's personal data.
/// </summary>
public sealed class SankofaMutation : ObjectGraphType
{
    /// <summary>Declares the root fields.</summary>
    public SankofaMutation()
    {
        Name = "Mutation";
        ProvisioningFields.AddMutations(this);
        HardwareFields.AddMutations(this);
        ComplianceFields.AddMutations(this);
        PersonalDataFields.AddMutations(this);
    }
}
