using GraphQL.Types;

namespace Sankofa.Server.GraphQL;

/// <summary>
/// The GraphQL schema: the same application layer as the REST API, for clients that want to choose their fields and
/// follow links in one round trip. Introspection is on.
/// </summary>
public sealed class SankofaSchema : Schema
{
    /// <summary>Creates the schema with its root query.</summary>
    public SankofaSchema(IServiceProvider services, SankofaQuery query) : base(services)
    {
        Query = query;
    }
}
