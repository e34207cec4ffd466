using TokenConsole.Data;

namespace TokenConsole.Features.Admin;

/// <summary>
/// Users, API keys and the audit log. Usage checks ingestion keys through <see cref="IApiKeyAuthenticator"/>; the key
/// cache follows the reference-data events (a key created or revoked here is published).
/// </summary>
public static class AdminModule
{
    public static void AddAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<AdminService>();
        builder.Services.AddScoped<UserAdminService>();
        builder.Services.AddScoped<AuditLogService>();
        builder.Services.AddSingleton<ApiKeyService>();
        builder.Services.AddSingleton<IApiKeyAuthenticator>(sp => sp.GetRequiredService<ApiKeyService>());
        builder.Services.AddSingleton<IReferenceDataSubscriber>(sp => sp.GetRequiredService<ApiKeyService>());
    }

    /// <summary>Admin has pages only, no endpoints of its own.</summary>
    public static void MapAdmin(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
    }
}
