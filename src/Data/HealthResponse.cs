using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TokenConsole.Data;

/// <summary>
/// The body of the health endpoints: the overall status and each check's status and description, so that whoever is
/// paged sees which dependency failed. No exception text beyond the description, and no configuration.
/// </summary>
internal static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }
}
