using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TokenConsole.Features.Customers;

internal sealed class SubscriptionTermConfiguration : IEntityTypeConfiguration<SubscriptionTerm>
{
    public void Configure(EntityTypeBuilder<SubscriptionTerm> b)
    {
        b.HasIndex(t => new { t.SubscriptionId, t.From });
        b.HasOne<Catalog.PackageVersion>().WithMany().HasForeignKey(t => t.PackageVersionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AllowanceBucketConfiguration : IEntityTypeConfiguration<AllowanceBucket>
{
    public void Configure(EntityTypeBuilder<AllowanceBucket> b)
    {
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        // One allowance and one rollover bucket per period: the writer opens them with INSERT … ON CONFLICT DO NOTHING.
        b.HasIndex(x => new { x.SubscriptionId, x.Kind, x.PeriodStart }).IsUnique();
        b.HasIndex(x => new { x.CustomerId, x.ValidTo });
        b.HasOne<Data.Subscription>().WithMany().HasForeignKey(x => x.SubscriptionId).OnDelete(DeleteBehavior.Restrict);
        b.Property(x => x.SoldById).HasMaxLength(450);
    }
}

internal sealed class CustomerNotificationConfiguration : IEntityTypeConfiguration<CustomerNotification>
{
    public void Configure(EntityTypeBuilder<CustomerNotification> b)
    {
        b.ToTable("CustomerNotifications");
        // Once per period and threshold, whoever crosses it and however often the usage is retried.
        b.HasIndex(n => new { n.SubscriptionId, n.PeriodStart, n.Threshold }).IsUnique();
        b.HasIndex(n => new { n.CustomerId, n.CreatedAt });
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("Outbox");
        b.Property(m => m.Kind).HasMaxLength(32);
        b.Property(m => m.IdempotencyKey).HasMaxLength(64);
        b.HasIndex(m => m.IdempotencyKey).IsUnique();
        b.HasIndex(m => new { m.DeliveredAt, m.NextAttemptAt });
    }
}

internal sealed class OrderRequestConfiguration : IEntityTypeConfiguration<OrderRequest>
{
    public void Configure(EntityTypeBuilder<OrderRequest> b)
    {
        b.HasKey(o => o.ClientRequestId);
        b.Property(o => o.ClientRequestId).HasMaxLength(64);
        b.Property(o => o.RequestHash).HasMaxLength(64);
    }
}
