using TokenConsole.Data;
using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Compute;

/// <summary>
/// Models, pools, deployments and capacity. Gives Catalog its capacity check on activation
/// (<see cref="IPackageActivationCheck"/>); publishes model, pool and deployment changes.
/// </summary>
public static class ComputeModule
{
    public static void AddCompute(this IHostApplicationBuilder builder)
    {
        // A threshold of zero or less would flag every model that sells anything: refuse to start with it.
        builder.Services.AddOptions<ComputeOptions>().Bind(builder.Configuration.GetSection(ComputeOptions.Section))
            .Validate(o => o.OversubscriptionThreshold > 0, "Compute:OversubscriptionThreshold must be greater than 0.")
            .ValidateOnStart();
        builder.Services.AddMemoryCache();
        builder.Services.AddScoped<ComputeService>();
        builder.Services.AddScoped<CapacityService>();
        builder.Services.AddScoped<ComputeAlerts>();
        builder.Services.AddSingleton<ComputeAlertsInvalidation>();
        builder.Services.AddSingleton<IReferenceDataSubscriber>(sp => sp.GetRequiredService<ComputeAlertsInvalidation>());
        builder.Services.AddScoped<IPackageActivationCheck, CapacityActivationCheck>();
        builder.Services.AddScoped<ComputeEditService>();
    }

    /// <summary>Compute has pages only, no endpoints of its own.</summary>
    public static void MapCompute(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
    }
}
