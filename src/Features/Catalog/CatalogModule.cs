namespace TokenConsole.Features.Catalog;

/// <summary>
/// Token packages and their versions. Other features read packages from the database; Compute adds its capacity check
/// to activation through <see cref="IPackageActivationCheck"/>. Activations and retirements are published as
/// <see cref="Data.ReferenceDataKind.Package"/> changes.
/// </summary>
public static class CatalogModule
{
    public static void AddCatalog(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<CatalogOptions>(builder.Configuration.GetSection("Catalog"));
        builder.Services.AddScoped<CatalogService>();
        builder.Services.AddScoped<PackageLifecycleService>();
        builder.Services.AddHostedService<ScheduledActivationService>();
    }

    /// <summary>The catalog has pages only, no endpoints of its own.</summary>
    public static void MapCatalog(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
    }
}
