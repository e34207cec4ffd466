using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TokenConsole.Features.Compute;

internal sealed class AiModelConfiguration : IEntityTypeConfiguration<AiModel>
{
    public void Configure(EntityTypeBuilder<AiModel> b)
    {
        b.ToTable("Models");
        b.HasIndex(m => m.Code).IsUnique();
        b.Property(m => m.Modality).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.Version).IsConcurrencyToken();
    }
}

internal sealed class ComputePoolConfiguration : IEntityTypeConfiguration<ComputePool>
{
    public void Configure(EntityTypeBuilder<ComputePool> b)
    {
        b.ToTable("Pools");
        b.HasIndex(p => p.Code).IsUnique();
        b.Property(p => p.Tier).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
        b.HasOne<Data.Region>().WithMany().HasForeignKey(p => p.RegionCode).OnDelete(DeleteBehavior.Restrict);
        b.Property(p => p.Version).IsConcurrencyToken();
    }
}

internal sealed class DeploymentConfiguration : IEntityTypeConfiguration<Deployment>
{
    public void Configure(EntityTypeBuilder<Deployment> b)
    {
        b.HasIndex(d => new { d.ModelId, d.PoolId }).IsUnique();
        b.Property(d => d.Role).HasConversion<string>().HasMaxLength(16);
        b.HasOne(d => d.Model).WithMany().HasForeignKey(d => d.ModelId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(d => d.Pool).WithMany().HasForeignKey(d => d.PoolId).OnDelete(DeleteBehavior.Restrict);
        b.Property(d => d.Version).IsConcurrencyToken();
    }
}
