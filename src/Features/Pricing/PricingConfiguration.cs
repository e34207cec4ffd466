using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TokenConsole.Features.Pricing;

internal sealed class PriceRuleSetVersionConfiguration : IEntityTypeConfiguration<PriceRuleSetVersion>
{
    public void Configure(EntityTypeBuilder<PriceRuleSetVersion> b)
    {
        b.HasIndex(v => v.Number).IsUnique();
        b.Property(v => v.Status).HasConversion<string>().HasMaxLength(16);
    }
}

internal sealed class PriceChangeConfiguration : IEntityTypeConfiguration<PriceChange>
{
    public void Configure(EntityTypeBuilder<PriceChange> b)
    {
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(24);
        b.Property(c => c.Audience).HasConversion<string>().HasMaxLength(24);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.Property(c => c.DecisionComment).HasMaxLength(PriceChange.MaxNoteLength);
        b.Property(c => c.RollbackReason).HasMaxLength(PriceChange.MaxNoteLength);
    }
}
