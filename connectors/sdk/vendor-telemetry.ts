/**
 * Nothing leaves the machine without the operator's say. Apollo's libraries call home on their own:
 * @apollo/gateway starts, when constructed, a metrics exporter to Apollo's usage-reporting service
 * and cloud resource detectors that probe the AWS, GCP, Azure and Alibaba metadata addresses unless
 * APOLLO_TELEMETRY_DISABLED is set; Apollo Server reports usage and schemas to GraphOS when it finds
 * an APOLLO_KEY, and its landing page loads Apollo's Sandbox from Apollo's CDN into the browser. All
 * of that is off unless IRHUB_VENDOR_TELEMETRY=on.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled, ApolloServerPluginSchemaReportingDisabled, ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';

export function vendorTelemetryAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.IRHUB_VENDOR_TELEMETRY === 'on';
}

/** Call before constructing an ApolloGateway: it reads the variable in its constructor. */
export function disableVendorTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  if (!vendorTelemetryAllowed(env)) env.APOLLO_TELEMETRY_DISABLED = 'true';
}

/** For every Apollo Server the hub runs. */
export function vendorTelemetryPlugins(env: NodeJS.ProcessEnv = process.env): ApolloServerPlugin<BaseContext>[] {
  if (vendorTelemetryAllowed(env)) return [];
  return [ApolloServerPluginUsageReportingDisabled(), ApolloServerPluginSchemaReportingDisabled(), ApolloServerPluginLandingPageDisabled()];
}
