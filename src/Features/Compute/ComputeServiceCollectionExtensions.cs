using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Compute;

public static class ComputeServiceCollectionExtensions
{
    public static void AddCompute(this WebApplicationBuilder builder)
    {
        // A threshold of zero or less would flag every model that sells anything: refuse to start with it.
        builder.Services.AddOptions<ComputeOptions>().Bind(builder.Configuration.GetSection(ComputeOptions.Section))
            .Validate(o => o.OversubscriptionThreshold > 0, "Compute:OversubscriptionThreshold must be greater than 0.")
            .ValidateOnStart();
        builder.Services.AddMemoryCache();
        builder.Services.AddScoped<ComputeService>();
        builder.Services.AddScoped<CapacityService>();
        builder.Services.AddScoped<ComputeAlerts>();
        builder.Services.AddScoped<IPackageActivationCheck, CapacityActivationCheck>();
        builder.Services.AddScoped<ComputeEditService>();
    }
}
