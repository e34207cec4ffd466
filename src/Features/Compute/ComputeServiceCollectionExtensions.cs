using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Compute;

public static class ComputeServiceCollectionExtensions
{
    public static void AddCompute(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<ComputeOptions>(builder.Configuration.GetSection(ComputeOptions.Section));
        builder.Services.AddMemoryCache();
        builder.Services.AddScoped<ComputeService>();
        builder.Services.AddScoped<CapacityService>();
        builder.Services.AddScoped<ComputeAlerts>();
        builder.Services.AddScoped<IPackageActivationCheck, CapacityActivationCheck>();
    }
}
