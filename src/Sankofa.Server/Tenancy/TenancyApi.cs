using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.Tenancy;

/// <summary>Tenants and projects with their quotas and usage over REST.</summary>
internal static class TenancyApi
{
    public static IEndpointRouteBuilder MapTenancyApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Tenancy");
        api.MapPost("/tenants", CreateTenantAsync).WithName("CreateTenant").WithSummary("Creates a tenant with its quota.");
        api.MapGet("/tenants", async Task<Ok<List<TenantResponse>>> (IProvisioningStore store, CancellationToken ct) =>
            TypedResults.Ok((await store.ListTenantsAsync(ct)).Select(TenantResponse.From).ToList())).WithName("ListTenants").WithSummary("Every tenant with quota and usage.");
        api.MapGet("/tenants/{id}", GetTenantAsync).WithName("GetTenant").WithSummary("One tenant with quota and usage.");
        api.MapPost("/tenants/{tenantId}/projects", CreateProjectAsync).WithName("CreateProject").WithSummary("Creates a project of a tenant with its quota.");
        api.MapGet("/tenants/{tenantId}/projects", ListProjectsAsync).WithName("ListProjects").WithSummary("A tenant's projects with quota and usage.");
        api.MapGet("/projects/{id}", GetProjectAsync).WithName("GetProject").WithSummary("One project with quota and usage.");
        return app;
    }

    private static async Task<Results<Created<TenantResponse>, ProblemHttpResult>> CreateTenantAsync(
        CreateTenancyBody? body, HttpContext context, TenancyService tenancy, CancellationToken cancellationToken)
    {
        if (body?.Quota is null)
        {
            return ProvisioningProblems.Invalid(new() { [body is null ? "body" : "quota"] = ["Required."] });
        }

        var result = await tenancy.CreateTenantAsync(ProvisioningApi.Actor(context), body.Id, body.Name, body.Quota.ToTotals(), cancellationToken);
        return result.Error is { } error ? error.ToProblem() : TypedResults.Created($"/api/v1/tenants/{result.Value!.Id}", TenantResponse.From(result.Value));
    }

    private static async Task<Results<Ok<TenantResponse>, ProblemHttpResult>> GetTenantAsync(string id, IProvisioningStore store, CancellationToken cancellationToken) =>
        await store.GetTenantAsync(id, cancellationToken) is { } tenant
            ? TypedResults.Ok(TenantResponse.From(tenant))
            : ProvisioningError.NotFound("id", $"There is no tenant '{id}'.").ToProblem();

    private static async Task<Results<Created<ProjectResponse>, ProblemHttpResult>> CreateProjectAsync(
        string tenantId, CreateTenancyBody? body, HttpContext context, TenancyService tenancy, CancellationToken cancellationToken)
    {
        if (body?.Quota is null)
        {
            return ProvisioningProblems.Invalid(new() { [body is null ? "body" : "quota"] = ["Required."] });
        }

        var result = await tenancy.CreateProjectAsync(ProvisioningApi.Actor(context), tenantId, body.Id, body.Name, body.Quota.ToTotals(), cancellationToken);
        return result.Error is { } error ? error.ToProblem() : TypedResults.Created($"/api/v1/projects/{result.Value!.Id}", ProjectResponse.From(result.Value));
    }

    private static async Task<Results<Ok<List<ProjectResponse>>, ProblemHttpResult>> ListProjectsAsync(string tenantId, IProvisioningStore store, CancellationToken cancellationToken)
    {
        if (await store.GetTenantAsync(tenantId, cancellationToken) is null)
        {
            return ProvisioningError.NotFound("tenantId", $"There is no tenant '{tenantId}'.").ToProblem();
        }

        return TypedResults.Ok((await store.ListProjectsAsync(tenantId, cancellationToken)).Select(ProjectResponse.From).ToList());
    }

    private static async Task<Results<Ok<ProjectResponse>, ProblemHttpResult>> GetProjectAsync(string id, IProvisioningStore store, CancellationToken cancellationToken) =>
        await store.GetProjectAsync(id, cancellationToken) is { } project
            ? TypedResults.Ok(ProjectResponse.From(project))
            : ProvisioningError.NotFound("id", $"There is no project '{id}'.").ToProblem();
}
