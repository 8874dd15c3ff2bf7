/**
 * Conformance that fails when amazon-ivs-web-broadcast changes: the IVS adapter (src/stage/ivs-adapter.ts)
 * is type-checked against COPIES of the SDK's declaration file, each with one change the session would
 * not survive, and each copy must make the check fail. The unmodified copy must pass (the control).
 *
 * The copies live in memory: a compiler host serves the edited text in place of the installed `.d.ts`,
 * everything else (tsconfig options, module resolution, lib files) is the project's own.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const adapter = join(repoRoot, 'src/stage/ivs-adapter.ts');
const sdkDts = createRequire(import.meta.url).resolve('amazon-ivs-web-broadcast').replace(/\.js$/, '.d.ts');
const original = readFileSync(sdkDts, 'utf8');
/** The declaration file's own line ending (1.41.0 ships CRLF); the edits below are written with `\n`. */
const newline = original.includes('\r\n') ? '\r\n' : '\n';

interface Edit {
  name: string;
  find: string;
  replace: string;
}

/** Plausible SDK releases the session must notice: the seven of the lifecycle issue, then the media mappings of issue 17. */
const EDITS: Edit[] = [
  {
    name: 'the mute callback reduced to one argument',
    find: '[StageEvents.STAGE_STREAM_MUTE_CHANGED]: (participantInfo: StageParticipantInfo, stream: StageStream) => void;',
    replace: '[StageEvents.STAGE_STREAM_MUTE_CHANGED]: (participantInfo: StageParticipantInfo) => void;',
  },
  {
    name: 'the publish-state callback with its arguments swapped',
    find: '[StageEvents.STAGE_PARTICIPANT_PUBLISH_STATE_CHANGED]: (participantInfo: StageParticipantInfo, state: StageParticipantPublishState) => void;',
    replace: '[StageEvents.STAGE_PARTICIPANT_PUBLISH_STATE_CHANGED]: (state: StageParticipantPublishState, participantInfo: StageParticipantInfo) => void;',
  },
  {
    name: 'the streams-added callback with its arguments swapped',
    find: '[StageEvents.STAGE_PARTICIPANT_STREAMS_ADDED]: (participantInfo: StageParticipantInfo, streams: StageStream[]) => void;',
    replace: '[StageEvents.STAGE_PARTICIPANT_STREAMS_ADDED]: (streams: StageStream[], participantInfo: StageParticipantInfo) => void;',
  },
  {
    name: 'a new required StageStrategy member',
    find: '    stageStreamsToPublish(): LocalStageStream[];',
    replace: '    stageStreamsToPublish(): LocalStageStream[];\n    preferredCodecs(participant: StageParticipantInfo): string[];',
  },
  {
    name: 'getStats removed from StageStream',
    find: '    getStats: () => Promise<RTCStatsReport | undefined>;\n    /**\n     * Get the RTC Stats report for this media source',
    replace: '    /**\n     * Get the RTC Stats report for this media source',
  },
  {
    name: 'shouldSubscribeToParticipant narrowed to an array return',
    find: 'shouldSubscribeToParticipant(participant: StageParticipantInfo): SubscribeType | StageSubscribeStreamType[];',
    replace: 'shouldSubscribeToParticipant(participant: StageParticipantInfo): StageSubscribeStreamType[];',
  },
  {
    name: 'shouldPublishParticipant with a changed signature',
    find: 'shouldPublishParticipant(participant: StageParticipantInfo): boolean;',
    replace: 'shouldPublishParticipant(participantId: string): boolean;',
  },
  // Issue 17: the simulcast, subscribe-configuration, quality and in-band mappings.
  {
    name: 'preferredLayerForStream renamed',
    find: '    preferredLayerForStream?(participant: StageParticipantInfo, stream: RemoteStageStream): StageStreamLayer | string | undefined | null;',
    replace: '    preferredStreamLayer?(participant: StageParticipantInfo, stream: RemoteStageStream): StageStreamLayer | string | undefined | null;',
  },
  {
    name: "SeiMessage.payload's type changed to a string",
    find: '    payload: ArrayBuffer;\n};',
    replace: '    payload: string;\n};',
  },
  {
    name: 'StageStreamLayer.height dropped',
    find: "     * e.g. height of `360 pixels` corresponds with `360p`\n     */\n    height: number;",
    replace: "     * e.g. height of `360 pixels` corresponds with `360p`\n     */",
  },
  {
    name: 'the STAGE_STREAM_LAYER_SELECTED callback without its layer',
    find: '[StageEvents.STAGE_STREAM_LAYER_SELECTED]: (participantInfo: StageParticipantInfo, stream: RemoteStageStream, layer: StageStreamLayer | undefined, reason: StageStreamLayerSelectedReason) => void;',
    replace: '[StageEvents.STAGE_STREAM_LAYER_SELECTED]: (participantInfo: StageParticipantInfo, stream: RemoteStageStream, reason: StageStreamLayerSelectedReason) => void;',
  },
  {
    name: 'the DEFAULT_360 simulcast preset renamed',
    find: '    DEFAULT_360: Readonly<SimulcastLocalLayerConfiguration>;',
    replace: '    DEFAULT_360P: Readonly<SimulcastLocalLayerConfiguration>;',
  },
  {
    name: 'SimulcastConfiguration.layers renamed',
    find: '    layers?: SimulcastLocalLayerConfiguration[];',
    replace: '    encodings?: SimulcastLocalLayerConfiguration[];',
  },
  {
    name: 'the JitterBufferMinDelay.LOW preset dropped',
    find: '    LOW = "low",',
    replace: '',
  },
  {
    name: 'SubscribeConfiguration.jitterBuffer renamed',
    find: '    jitterBuffer?: JitterBufferConfiguration;',
    replace: '    jitter?: JitterBufferConfiguration;',
  },
  {
    name: 'StageSubscribeStreamType.SUBTITLES dropped',
    find: '    VIDEO = "video",\n    SUBTITLES = "subtitles"',
    replace: '    VIDEO = "video"',
  },
  {
    name: "insertSeiMessage's payload changed to a string",
    find: '    insertSeiMessage: (payload: ArrayBuffer, options?: {',
    replace: '    insertSeiMessage: (payload: string, options?: {',
  },
  {
    name: 'requestQualityStats removed from LocalStageStream',
    find: '    requestQualityStats: () => Promise<LocalAudioStats[] | LocalVideoStats[] | undefined>;',
    replace: '',
  },
  {
    name: 'StageConfiguration.connection renamed',
    find: '    connection?: RealTimeConnection;\n};',
    replace: '    realTimeConnection?: RealTimeConnection;\n};',
  },
  {
    name: "StageParticipantInfo.userInfo's type changed to a string",
    find: '    readonly userInfo: Record<string, unknown>;',
    replace: '    readonly userInfo: string;',
  },
];

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(repoRoot, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, repoRoot, undefined, configPath);
  return { ...parsed.options, noEmit: true };
}

const options = compilerOptions();
let previous: ts.Program | undefined;

/** Type-checks the adapter with `sdkText` as the SDK's declarations; returns the errors in the project's own files. */
function check(sdkText: string): string[] {
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
    resolve(fileName) === sdkDts ? ts.createSourceFile(fileName, sdkText, languageVersion, true) : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  // Reusing the previous program keeps the parsed lib and project files (only the SDK copy changes).
  const program = ts.createProgram({ rootNames: [adapter], options, host, ...(previous ? { oldProgram: previous } : {}) });
  previous = program;
  const own = program.getSourceFiles().filter((file) => !file.isDeclarationFile && resolve(file.fileName).startsWith(join(repoRoot, 'src')));
  return own.flatMap((file) =>
    [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((d) => {
      const { line } = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: -1 };
      return `${relative(repoRoot, file.fileName)}:${line + 1} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ').slice(0, 140)}`;
    }),
  );
}

const caught: string[] = [];

describe('the IVS adapter against edited copies of the amazon-ivs-web-broadcast declarations', () => {
  it('the unmodified copy passes (control)', () => {
    expect(check(original)).toEqual([]);
  });

  it.each(EDITS.map((edit, i) => [i + 1, edit.name, edit] as const))('edit %i (%s) fails the check', (i, _name, edit) => {
    const find = edit.find.replaceAll('\n', newline);
    expect(original.split(find).length - 1, `edit ${i}: its text must occur exactly once in ${relative(repoRoot, sdkDts)}; update EDITS for this SDK version`).toBe(1);
    const errors = check(original.replace(find, edit.replace.replaceAll('\n', newline)));
    expect(errors.length, `edit ${i} (${edit.name}) was not caught`).toBeGreaterThan(0);
    caught.push(`edit ${i} (${edit.name}): caught by ${errors[0]}`);
  });

  afterAll(() => {
    console.log([...caught, `${caught.length} of ${EDITS.length} edits caught`].join('\n'));
  });
});
