export * from "./affect";
export * from "./port-types";
export * from "./document";
export * from "./define-node";
export * from "./model-service";
export * from "./media";
export * from "./registry";
export * from "./events";
export * from "./plan";
export * from "./validate";
export * from "./compile";
export * from "./hash";
export {
  BIOMETRIC_INFERENCES,
  COMMERCIAL_ACTION_WORDS,
  PROHIBITED_EMOTION_RECOGNITION_SETTINGS,
  isCommercialAction,
} from "./responsible-use";
export * from "./exchange";
