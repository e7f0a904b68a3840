using MedicalHub.Data;

namespace MedicalHub.Communication.Api.Infrastructure;

internal sealed class DesignTimeCommunicationDbContextFactory : DesignTimeDbContextFactory<CommunicationDbContext>;
