using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Content.Api.Patients;

internal sealed class PatientEntityTypeConfiguration : IEntityTypeConfiguration<Patient>
{
    public void Configure(EntityTypeBuilder<Patient> builder)
    {
        builder.ToTable("patients");
        builder.Property(p => p.Names).AsJson();
        builder.Property(p => p.Telecom).AsJson();
        builder.Property(p => p.Addresses).AsJson();
        builder.Property(p => p.Gender).HasMaxLength(16);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.Property(p => p.SortName).HasMaxLength(300).UseCollation("C");
        builder.HasIndex(p => new { p.OrganizationId, p.SortName, p.Id });
        builder.HasIndex(p => new { p.OrganizationId, p.BirthDate });
        builder.HasIndex(p => p.MergedIntoId);
        builder.HasMany(p => p.Identifiers).WithOne().HasForeignKey(i => i.PatientId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(p => p.NameTerms).WithOne().HasForeignKey(t => t.PatientId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PatientIdentifierEntityTypeConfiguration : IEntityTypeConfiguration<PatientIdentifier>
{
    public void Configure(EntityTypeBuilder<PatientIdentifier> builder)
    {
        builder.ToTable("patient_identifiers");
        builder.Property(i => i.Id).UseIdentityAlwaysColumn();
        builder.Property(i => i.System).HasMaxLength(PatientRules.MaxSystemLength);
        builder.Property(i => i.Value).HasMaxLength(PatientRules.MaxIdentifierValueLength);
        builder.Property(i => i.Use).HasMaxLength(16);
        builder.Property(i => i.TypeCode).HasMaxLength(10);
        // An identifier names one patient of an organization.
        builder.HasIndex(i => new { i.OrganizationId, i.System, i.Value }).IsUnique();
        builder.HasIndex(i => new { i.OrganizationId, i.Value });
    }
}

internal sealed class PatientNameTermEntityTypeConfiguration : IEntityTypeConfiguration<PatientNameTerm>
{
    public void Configure(EntityTypeBuilder<PatientNameTerm> builder)
    {
        builder.ToTable("patient_name_terms");
        builder.Property(t => t.Id).UseIdentityAlwaysColumn();
        // Byte order, so "term >= prefix AND term < upper bound" is exactly a prefix match (PatientNames.UpperBound).
        builder.Property(t => t.Term).HasMaxLength(PatientNames.MaxTermLength).UseCollation("C");
        builder.Property(t => t.Phonetic).HasMaxLength(16).HasComputedColumnSql("dmetaphone(term)", stored: true);
        builder.Property(t => t.PhoneticAlternative).HasMaxLength(16).HasComputedColumnSql("dmetaphone_alt(term)", stored: true);
        builder.HasIndex(t => new { t.OrganizationId, t.Term });
        builder.HasIndex(t => new { t.OrganizationId, t.Phonetic });
        builder.HasIndex(t => new { t.OrganizationId, t.PhoneticAlternative });
    }
}

internal sealed class PatientVersionEntityTypeConfiguration : IEntityTypeConfiguration<PatientVersion>
{
    public void Configure(EntityTypeBuilder<PatientVersion> builder)
    {
        builder.ToTable("patient_versions");
        builder.Property(v => v.Id).UseIdentityAlwaysColumn();
        builder.Property(v => v.Change).HasMaxLength(16);
        builder.Property(v => v.Snapshot).HasColumnType("jsonb");
        builder.HasIndex(v => new { v.PatientId, v.Version }).IsUnique();
        builder.HasOne<Patient>().WithMany().HasForeignKey(v => v.PatientId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MedicalRecordNumberCounterEntityTypeConfiguration : IEntityTypeConfiguration<MedicalRecordNumberCounter>
{
    public void Configure(EntityTypeBuilder<MedicalRecordNumberCounter> builder)
    {
        builder.ToTable("medical_record_number_counters");
        builder.HasKey(c => c.OrganizationId);
    }
}

internal static class JsonColumnExtensions
{
    /// <summary>A list of value records stored as one jsonb document, compared by content for change tracking.</summary>
    public static PropertyBuilder<List<T>> AsJson<T>(this PropertyBuilder<List<T>> property) => property
        .HasColumnType("jsonb")
        .HasConversion(
            value => JsonSerializer.Serialize(value, JsonSerializerOptions.Web),
            json => JsonSerializer.Deserialize<List<T>>(json, JsonSerializerOptions.Web) ?? new List<T>(),
            new ValueComparer<List<T>>(
                (a, b) => JsonSerializer.Serialize(a, JsonSerializerOptions.Web) == JsonSerializer.Serialize(b, JsonSerializerOptions.Web),
                value => JsonSerializer.Serialize(value, JsonSerializerOptions.Web).GetHashCode(StringComparison.Ordinal),
                value => JsonSerializer.Deserialize<List<T>>(JsonSerializer.Serialize(value, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!));
}
