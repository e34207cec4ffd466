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
        // ApiKeys:N:Key and ApiKeys:N:Scopes; a key that cannot be used stops the start with what is wrong.
        builder.Services.AddOptions<ApiKeyOptions>()
            .Configure<IConfiguration>((o, configuration) => o.Keys = configuration.GetSection(ApiKeyOptions.Section).Get<List<ConfiguredApiKey>>() ?? [])
            .ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
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
