import { Router, type Response } from 'express';
import type { Config } from '../config/loadConfig.js';
import type { ServerKeys } from '../config/deriveKeys.js';
import { buildTrustedFacets, UafError, UafStatusCode, verifyServerData } from '../uaf/index.js';
import { ApiError } from './apiError.js';
import { consumes, produces, resource } from './contentNegotiation.js';
import type { Operations } from './operations.js';
import { publicStatusOf } from './publicStatus.js';
import { relyingPartyOrAnonymous, requireRelyingParty } from './relyingParty.js';
import {
  authenticationRequestSchema,
  deregistrationRequestSchema,
  parseBody,
  registrationRequestSchema,
  sendUafResponseSchema,
  statusRequestSchema,
} from './schemas.js';

export interface UafRoutesDependencies {
  config: Config;
  keys: Pick<ServerKeys, 'serverData'>;
  operations: Operations;
}

const uafType = 'application/fido+uaf';
const uafContentType = 'application/fido+uaf;charset=UTF-8';
const acceptsUaf = [consumes(uafType, 'application/json'), produces(uafType)];
const acceptsJson = [consumes('application/json'), produces('application/json')];
/** UAF status code of a request the server cannot accept (UAF Protocol §3.1). */
const requestInvalid = UafStatusCode.requestInvalid;
/** UAF status code of a response the server cannot read. */
const unacceptableContent = UafStatusCode.unacceptableContent;

function sendUaf(res: Response, body: object): void {
  res.type(uafContentType).send(JSON.stringify(body));
}

/**
 * Which workflow a UAF response belongs to: the workflow id inside the response's own
 * integrity-protected serverData (never a lookup of the client's choosing).
 */
function workflowIdOfResponse(uafResponse: string, key: Uint8Array): string {
  let messages: unknown;
  try {
    messages = JSON.parse(uafResponse);
  } catch {
    throw new ApiError('invalidJson', 'uafResponse is not a JSON array.', unacceptableContent);
  }
  const serverData = Array.isArray(messages)
    ? (messages.find((m) => m?.header?.upv?.major === 1 && m?.header?.upv?.minor === 1) ?? messages[0])?.header?.serverData
    : undefined;
  try {
    const claims = verifyServerData(typeof serverData === 'string' ? serverData : undefined, { key, now: new Date() });
    if (typeof claims.workflowId !== 'string') throw new ApiError('serverDataInvalid', 'serverData names no operation.', requestInvalid);
    return claims.workflowId;
  } catch (error) {
    if (error instanceof UafError) {
      const code = error.code === 'serverDataExpired' ? 'requestExpired' : error.code;
      throw new ApiError(code, error.message, error.statusCode, { cause: error });
    }
    throw error;
  }
}

/** Endpoints 1–6 and 14 of API.md: the in-band FIDO UAF services and the status service. */
export function createUafRouter({ config, keys, operations }: UafRoutesDependencies): Router {
  const router = Router();
  const relyingParty = requireRelyingParty(config.rpApiKeys);
  // API.md's default facet is the AppID itself (a URL with a path, http in development), which
  // the spec's origin-only rule would refuse; the configured list is served as given.
  const facets = JSON.stringify(buildTrustedFacets({ ids: config.uaf.trustedFacets, allowAnyId: true }));

  resource(router, '/nevisfido/uaf/1.1/facets', {
    get: [
      produces('application/fido.trusted-apps+json', 'application/json'),
      (_req, res) => void res.type('application/fido.trusted-apps+json').send(facets),
    ],
  });

  resource(router, '/nevisfido/uaf/1.1/request/registration', {
    post: [
      relyingParty,
      ...acceptsUaf,
      async (req, res) => {
        const { context } = parseBody(registrationRequestSchema, req.body, requestInvalid);
        sendUaf(res, await operations.start('registration', { username: context.username }));
      },
    ],
  });

  resource(router, '/nevisfido/uaf/1.1/request/authentication', {
    post: [
      // A relying-party key by default: each call starts a workflow that stays open for the
      // request's lifetime. ALLOW_APP_INITIATED_AUTHENTICATION lets an app ask without one, for a
      // username-less login only: naming a user would tell an anonymous caller whether the user
      // exists and which keys it has, and a transaction is the relying party's to word.
      relyingPartyOrAnonymous(config.rpApiKeys, config.allowAppInitiatedAuthentication),
      ...acceptsUaf,
      async (req, res) => {
        const { context } = parseBody(authenticationRequestSchema, req.body, requestInvalid);
        if (res.locals.relyingParty !== true && (context.username !== undefined || context.transaction !== undefined)) {
          throw new ApiError('invalidRequest', 'context: username and transaction need a relying-party key (Authorization: Bearer <key>).', requestInvalid);
        }
        sendUaf(res, await operations.start('authentication', { username: context.username, transaction: context.transaction }));
      },
    ],
  });

  resource(router, '/nevisfido/uaf/1.1/request/deregistration', {
    post: [
      relyingParty,
      ...acceptsUaf,
      async (req, res) => {
        const { context } = parseBody(deregistrationRequestSchema, req.body, requestInvalid);
        const deregistration = {
          mode: context.mode,
          ...('aaid' in context ? { aaids: context.aaid } : {}),
          ...('keyId' in context ? { keyIds: context.keyId } : {}),
        };
        sendUaf(res, await operations.start('deregistration', { username: context.username, deregistration }));
      },
    ],
  });

  for (const path of ['/nevisfido/uaf/1.1/registration', '/nevisfido/uaf/1.1/authentication']) {
    resource(router, path, {
      post: [
        ...acceptsUaf,
        async (req, res) => {
          const { uafResponse, context } = parseBody(sendUafResponseSchema, req.body, unacceptableContent);
          const workflowId = workflowIdOfResponse(uafResponse, keys.serverData);
          sendUaf(res, await operations.submitResponse(workflowId, { uafResponse, asmStatusCode: context?.asmStatusCode }));
        },
      ],
    });
  }

  resource(router, '/nevisfido/status', {
    post: [
      ...acceptsJson,
      async (req, res) => {
        const { sessionId } = parseBody(statusRequestSchema, req.body);
        res.json(publicStatusOf(await operations.status(sessionId)));
      },
    ],
  });

  return router;
}
