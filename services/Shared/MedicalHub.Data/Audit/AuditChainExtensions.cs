using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalHub.Data.Audit;

public static class AuditChainExtensions
{
    /// <summary>
    /// Registers <see cref="AuditChain{TContext, TEntry}"/> for one audit table, with the keys of
    /// <c>MedicalHub:AuditChain</c> (checked when the service starts: no key, no start). <paramref name="unkeyedHash"/>:
    /// see <see cref="AuditChainOptions{TEntry}.UnkeyedHash"/>.
    /// </summary>
    public static IHostApplicationBuilder AddAuditChain<TContext, TEntry>(this IHostApplicationBuilder builder, Func<TEntry, string>? unkeyedHash = null)
        where TContext : DbContext
        where TEntry : ChainedAuditEntry
    {
        builder.Services.AddOptions<AuditChainKeySettings>()
            .Bind(builder.Configuration.GetSection(AuditChainKeySettings.SectionName))
            .Validate(s => s.Key is { Length: >= AuditChainKeySettings.MinimumKeyLength },
                $"{AuditChainKeySettings.SectionName}:Key must be a secret of at least {AuditChainKeySettings.MinimumKeyLength} characters (the AppHost generates one).")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<AuditChainKeys>();
        builder.Services.AddSingleton(new AuditChainOptions<TEntry> { UnkeyedHash = unkeyedHash });
        builder.Services.AddSingleton<AuditChain<TContext, TEntry>>();
        return builder;
    }

    /// <summary>The chain columns of an audit table: identity key, unique (chain, sequence), key id and hashes.</summary>
    public static EntityTypeBuilder<TEntry> IsAuditChain<TEntry>(this EntityTypeBuilder<TEntry> entry) where TEntry : ChainedAuditEntry
    {
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Id).UseIdentityAlwaysColumn();
        entry.HasIndex(e => new { e.ChainId, e.Sequence }).IsUnique();
        entry.Property(e => e.KeyId).HasMaxLength(16);
        entry.Property(e => e.PreviousHash).HasMaxLength(64).IsFixedLength();
        entry.Property(e => e.Hash).HasMaxLength(64).IsFixedLength();
        return entry;
    }
}
