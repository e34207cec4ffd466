using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TokenConsole.Auth;
using TokenConsole.Data;

namespace TokenConsole.Testing;

/// <summary>
/// Wires features into a test's service collection with the same module extensions as <c>Program.cs</c>
/// (<c>builder.AddCatalog()</c>, …), on a <see cref="TestDatabase"/> and a test clock, with the role policies. Hosted
/// services are registered but never started: a test drives them itself.
/// </summary>
public static class Modules
{
    /// <summary>
    /// Adds the data module and <paramref name="modules"/> to <paramref name="services"/> (a new collection, or bUnit's),
    /// then puts <paramref name="database"/> and <paramref name="clock"/> in place of the configured database and clock.
    /// </summary>
    public static IServiceCollection AddModules(this IServiceCollection services, TestDatabase database, TimeProvider clock,
        IReadOnlyDictionary<string, string?>? settings, params Action<IHostApplicationBuilder>[] modules)
    {
        ArgumentNullException.ThrowIfNull(database);
        var builder = new ModuleBuilder(services);
        builder.Configuration[$"ConnectionStrings:{DataModule.ConnectionStringName}"] = database.ConnectionString;
        // The services a module picks by provider (the bill store, the customer search) follow the test's database.
        builder.Configuration[DatabaseProviders.Setting] = database.Provider.ToString();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.Configuration[key] = value;
        }
        services.AddLogging();
        services.AddAuthorizationBuilder().AddConsolePolicies();
        builder.AddData();
        services.AddSingleton<ReferenceDataSignal>();
        services.AddSingleton<IReferenceDataSubscriber>(sp => sp.GetRequiredService<ReferenceDataSignal>());
        foreach (var module in modules)
        {
            module(builder);
        }
        services.Replace(ServiceDescriptor.Singleton<IDbContextFactory<TokenConsoleDbContext>>(database));
        services.Replace(ServiceDescriptor.Singleton(clock));
        // A test bed is one instance, and starts the services it tests by hand (not the lease keeper): it holds the job lease.
        services.Replace(ServiceDescriptor.Singleton(TokenConsole.Data.Cluster.JobLease.HeldAlone()));
        return services;
    }

    public static IServiceCollection AddModules(this IServiceCollection services, TestDatabase database, TimeProvider clock,
        params Action<IHostApplicationBuilder>[] modules) => services.AddModules(database, clock, null, modules);

    /// <summary>An <see cref="IHostApplicationBuilder"/> over an existing service collection, so that modules can add to it.</summary>
    private sealed class ModuleBuilder : IHostApplicationBuilder
    {
        private readonly ConfigurationManager _configuration = new();

        public ModuleBuilder(IServiceCollection services)
        {
            Services = services;
            services.TryAddSingleton<IConfiguration>(_configuration);
            services.TryAddSingleton(Environment);
        }

        public IServiceCollection Services { get; }
        public IConfigurationManager Configuration => _configuration;
        public IHostEnvironment Environment { get; } = new TestEnvironment();
        public ILoggingBuilder Logging => new LoggingBuilder(Services);
        public IMetricsBuilder Metrics => new MetricsBuilder(Services);
        public IDictionary<object, object> Properties { get; } = new Dictionary<object, object>();

        public void ConfigureContainer<TContainerBuilder>(IServiceProviderFactory<TContainerBuilder> factory, Action<TContainerBuilder>? configure = null)
            where TContainerBuilder : notnull => throw new NotSupportedException("Test beds use the default container.");
    }

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Development;
        public string ApplicationName { get; set; } = "TokenConsole";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private sealed class LoggingBuilder(IServiceCollection services) : ILoggingBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    private sealed class MetricsBuilder(IServiceCollection services) : IMetricsBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
