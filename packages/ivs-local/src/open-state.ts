/** Step of `startLocalIvs()`: the state, restored from the data file when there is one, and its writer. */
import type { IvsLocalConfig } from './options';
import { ParticipantTokenSigner } from './participant-tokens';
import { DataFileWriter, LocalDataFileError, loadDataFile, removeStaleTempFiles } from './persistence';
import { LocalIvsState } from './state';

export interface OpenedState {
  state: LocalIvsState;
  /** Present with a data file. */
  writer: DataFileWriter | undefined;
}

async function signerFor(config: IvsLocalConfig, signingKey: Parameters<typeof ParticipantTokenSigner.fromJwk>[0] | undefined): Promise<ParticipantTokenSigner> {
  if (!signingKey) return ParticipantTokenSigner.generate();
  try {
    return await ParticipantTokenSigner.fromJwk(signingKey);
  } catch (error) {
    throw new LocalDataFileError(
      'corrupt',
      config.dataFile!,
      `The ivs-local data file ${config.dataFile} has an unusable signing key (${(error as Error).message}). It was left untouched: repair it, or move it away to start with an empty state.`,
      { cause: error },
    );
  }
}

/**
 * Restores the state from `config.dataFile` (removing temporary files a crash left behind first) and
 * writes it back once, so an unwritable location fails startup rather than the first request.
 */
export async function openState(config: IvsLocalConfig): Promise<OpenedState> {
  const { dataFile, region, accountId, stageSessionLingerMs } = config;
  if (dataFile) await removeStaleTempFiles(dataFile);
  const persisted = dataFile ? await loadDataFile(dataFile, { region, accountId }) : undefined;
  const signer = await signerFor(config, persisted?.signingKey);
  let writer: DataFileWriter | undefined;
  const state = new LocalIvsState({ region, accountId, signer, onChange: () => writer?.schedule(), stageSessionLingerMs, debug: config.debug });
  if (persisted) state.restore(persisted);
  if (dataFile) {
    writer = new DataFileWriter(dataFile, () => state.snapshot());
    await writer.writeNow();
  }
  return { state, writer };
}
