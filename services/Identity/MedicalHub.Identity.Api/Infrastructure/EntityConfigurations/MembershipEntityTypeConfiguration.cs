using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Identity.Api.Sessions;
using MedicalHub.Identity.Api.Tokens.SigningKeys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Identity.Api.Infrastructure.EntityConfigurations;

internal sealed class MembershipEntityTypeConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> builder)
    {
        builder.HasIndex(m => new { m.OrganizationId, m.UserId }).IsUnique();
        builder.HasIndex(m => m.UserId);
        // A patient record has at most one active portal account in its organization.
        builder.HasIndex(m => new { m.OrganizationId, m.PatientId }).IsUnique().HasFilter("patient_id IS NOT NULL AND is_active");
        builder.HasOne<Organization>().WithMany().HasForeignKey(m => m.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrganizationRoleEntityTypeConfiguration : IEntityTypeConfiguration<OrganizationRole>
{
    public void Configure(EntityTypeBuilder<OrganizationRole> builder)
    {
        builder.Property(r => r.Name).HasMaxLength(100);
        builder.HasIndex(r => new { r.OrganizationId, r.Name }).IsUnique().AreNullsDistinct(false);
        builder.HasOne<Organization>().WithMany().HasForeignKey(r => r.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasData(OrganizationRole.BuiltIn.All.Select(r => new { r.Id, r.OrganizationId, r.Name, r.Permissions }));
    }
}

internal sealed class SigningKeyEntityTypeConfiguration : IEntityTypeConfiguration<SigningKey>
{
    public void Configure(EntityTypeBuilder<SigningKey> builder)
    {
        builder.Property(k => k.Use).HasMaxLength(3);
        builder.Property(k => k.KeyId).HasMaxLength(64);
        builder.HasIndex(k => k.KeyId).IsUnique();
    }
}

internal sealed class UserEntityTypeConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.Property(u => u.GivenName).HasMaxLength(100);
        builder.Property(u => u.FamilyName).HasMaxLength(100);
        builder.Property(u => u.Title).HasMaxLength(50);
        builder.Property(u => u.Locale).HasMaxLength(35);
        builder.Property(u => u.TimeZone).HasMaxLength(64);
        builder.Property(u => u.Preferences).HasColumnType("jsonb");
    }
}

internal sealed class AuditEventEntityTypeConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.Property(e => e.Id).UseIdentityAlwaysColumn();
        builder.HasIndex(e => new { e.ChainId, e.Sequence }).IsUnique();
        builder.HasIndex(e => new { e.ChainId, e.OccurredAt });
        builder.Property(e => e.Action).HasMaxLength(64);
        builder.Property(e => e.Outcome).HasMaxLength(16);
        builder.Property(e => e.ClientId).HasMaxLength(100);
        builder.Property(e => e.IpAddress).HasMaxLength(45);
        builder.Property(e => e.UserAgent).HasMaxLength(500);
        builder.Property(e => e.Reason).HasMaxLength(500);
        builder.Property(e => e.PreviousHash).HasMaxLength(64).IsFixedLength();
        builder.Property(e => e.Hash).HasMaxLength(64).IsFixedLength();
    }
}

internal sealed class PreviousPasswordEntityTypeConfiguration : IEntityTypeConfiguration<PreviousPassword>
{
    public void Configure(EntityTypeBuilder<PreviousPassword> builder)
    {
        builder.ToTable("previous_passwords");
        builder.Property(p => p.Id).UseIdentityAlwaysColumn();
        builder.HasIndex(p => p.UserId);
        builder.HasOne<User>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserSessionEntityTypeConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> builder)
    {
        builder.ToTable("sessions");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.AuthorizationId).HasMaxLength(100);
        builder.Property(s => s.ClientId).HasMaxLength(100);
        builder.Property(s => s.Device).HasMaxLength(300);
        builder.Property(s => s.IpAddress).HasMaxLength(45);
        builder.HasIndex(s => new { s.UserId, s.RevokedAt });
        // The recent revocations the gateway and the services poll for.
        builder.HasIndex(s => s.RevokedAt).HasFilter("revoked_at IS NOT NULL");
        builder.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
