using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.GraphQL;

public class SchemaTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public void The_schema_builds_with_every_type_named()
    {
        var schema = fixture.Server.Services.GetRequiredService<ISchema>();

        schema.Initialize();

        Assert.NotNull(schema.AllTypes["Site"]);
        Assert.NotNull(schema.AllTypes["AuditEntry"]);
    }
}
