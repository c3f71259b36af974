using GraphQL.Validation;
using GraphQL.Validation.Complexity;
using GraphQL.Validation.Errors.Custom;
using GraphQL.Validation.Rules.Custom;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;

namespace Sankofa.Server.GraphQL;

/// <summary>
/// Refuses, during validation and so before execution, a document deeper, costlier or with more aliases than
/// <see cref="GraphQLLimitsOptions"/> allows; each error names the setting, so a caller knows what to change.
/// </summary>
/// <remarks>
/// A list without a <c>first</c> counts as 5 items (GraphQL.NET's default of 20 prices the introspection query every
/// tool sends at half a million): sites have a handful of neighbours and hosts.
/// </remarks>
internal sealed class QueryLimitsRule(IOptions<GraphQLLimitsOptions> options)
    : ComplexityValidationRule(new ComplexityOptions { DefaultListImpactMultiplier = 5 })
{
    private readonly GraphQLLimitsOptions limits = options.Value;

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context)
    {
        var aliases = 0;
        return new(new MatchingNodeVisitor<GraphQLField>((field, validation) =>
        {
            if (field.Alias is not null && ++aliases == limits.MaxAliases + 1)
            {
                validation.ReportError(new ComplexityError(
                    $"The document has more than {limits.MaxAliases} aliased fields, the limit (GraphQL:MaxAliases)."));
            }
        }));
    }

    protected override ValueTask ValidateComplexityAsync(ValidationContext context, double totalComplexity, int maxDepth)
    {
        if (maxDepth > limits.MaxDepth)
        {
            context.ReportError(new ComplexityError(
                $"The query nests {maxDepth} levels deep; the limit (GraphQL:MaxDepth) is {limits.MaxDepth}."));
        }

        if (totalComplexity > limits.MaxComplexity)
        {
            context.ReportError(new ComplexityError(
                $"The query's complexity is {totalComplexity:0}; the limit (GraphQL:MaxComplexity) is {limits.MaxComplexity}. Ask for fewer items or fewer nested lists."));
        }

        return ValueTask.CompletedTask;
    }
}
