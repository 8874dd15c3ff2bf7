/**
 * A stage's `autoParticipantRecordingConfiguration` (CreateStage / UpdateStage): reads and checks the
 * request's fields and fills AWS's defaults. ivs-local records nothing; it echoes the configuration.
 */
import type { Fields, RequiredStringRule } from './validate';

const MEDIA_TYPES = ['AUDIO_VIDEO', 'AUDIO_ONLY', 'NONE'] as const;
const THUMBNAIL_STORAGE = ['SEQUENTIAL', 'LATEST'] as const;
const RECORDING_MODES = ['INTERVAL', 'DISABLED'] as const;

const STORAGE_ARN_RULE: RequiredStringRule = {
  required: true,
  min: 0,
  max: 128,
  pattern: /^$|^arn:aws:ivs:[a-z0-9-]+:[0-9]+:storage-configuration\/[a-zA-Z0-9-]+$/,
  patternText: '^$|^arn:aws:ivs:[a-z0-9-]+:[0-9]+:storage-configuration/[a-zA-Z0-9-]+$',
};

export function defaultRecordingConfiguration(): Record<string, unknown> {
  // Defaults as AWS echoes them (awscli CreateStage example).
  return {
    storageConfigurationArn: '',
    mediaTypes: ['AUDIO_VIDEO'],
    thumbnailConfiguration: { targetIntervalSeconds: 60, storage: ['SEQUENTIAL'], recordingMode: 'DISABLED' },
    recordingReconnectWindowSeconds: 0,
    hlsConfiguration: { targetSegmentDurationSeconds: 6 },
    recordParticipantReplicas: true,
  };
}

/** Reads `autoParticipantRecordingConfiguration`, filling AWS's defaults. ivs-local records nothing. */
export function readRecordingConfiguration(f: Fields): Record<string, unknown> {
  const storageConfigurationArn = f.string('storageConfigurationArn', STORAGE_ARN_RULE);
  const config = defaultRecordingConfiguration();
  if (storageConfigurationArn === '') return config;
  config['storageConfigurationArn'] = storageConfigurationArn;
  const mediaTypes = f.enumList('mediaTypes', MEDIA_TYPES, { max: 1 });
  if (mediaTypes) config['mediaTypes'] = mediaTypes;
  const thumb = f.object('thumbnailConfiguration');
  if (thumb) {
    const t = config['thumbnailConfiguration'] as Record<string, unknown>;
    const interval = thumb.integer('targetIntervalSeconds', { min: 1, max: 86400 });
    const storage = thumb.enumList('storage', THUMBNAIL_STORAGE, { max: 2 });
    const mode = thumb.enumValue('recordingMode', RECORDING_MODES);
    if (interval !== undefined) t['targetIntervalSeconds'] = interval;
    if (storage) t['storage'] = storage;
    if (mode) t['recordingMode'] = mode;
  }
  const window = f.integer('recordingReconnectWindowSeconds', { min: 0, max: 300 });
  if (window !== undefined) config['recordingReconnectWindowSeconds'] = window;
  const hls = f.object('hlsConfiguration');
  const segment = hls?.integer('targetSegmentDurationSeconds', { min: 2, max: 10 });
  if (segment !== undefined) config['hlsConfiguration'] = { targetSegmentDurationSeconds: segment };
  const replicas = f.boolean('recordParticipantReplicas');
  if (replicas !== undefined) config['recordParticipantReplicas'] = replicas;
  return config;
}
