"""The fixture values of the upstream (0.8) test kit, under their upstream names and values.

The 0.9 test kit uses some of them: the state names (``STATE_*``, ``VALID_STATES`` and the
``LEGACY_STATE_*`` spellings that ``FakeCascorClient.set_state`` accepts), the scenario names
(``SCENARIO_*``), the demo workers' names (``FAKE_WORKER_1_ID``, ``FAKE_WORKER_2_ID``), the demo
snapshots (``FAKE_SNAPSHOT_*_ID`` and ``*_DESCRIPTION``), ``FAKE_WS_BASE_URL`` and
``FAKE_WS_DEFAULT_DELAY_SECONDS`` (the canned-message ``FakeCascorTrainingStream``).

The others describe the 0.8 fake's synthetic data (curves, topology, figures of the demo
workers and snapshots) and are kept for code that imports them. The 0.9 fakes get their
figures from the fake server, which trains a real network: metrics, topologies, worker
counters and snapshot contents come from it, not from these values.
"""

from __future__ import annotations

from typing import Final

from juniper_cascor_client_core.constants import (
    TRAINING_STATE_COMPLETED,
    TRAINING_STATE_PAUSED,
    TRAINING_STATE_STARTED,
    TRAINING_STATE_STOPPED,
)

# -- The fake service's identity ---------------------------------------------------------------
FAKE_BASE_URL: Final = "http://fake-cascor:8200"
FAKE_WS_BASE_URL: Final = "ws://fake-cascor:8200"
FAKE_SERVICE_NAME: Final = "juniper-cascor"
FAKE_SERVICE_VERSION: Final = "0.4.0"
FAKE_DEFAULT_UPTIME_SECONDS: Final = 3600.0
ENVELOPE_STATUS_SUCCESS: Final = "success"

# -- Error injection of the error_prone scenario -----------------------------------------------
ERROR_PRONE_ERROR_RATE: Final = 0.1

# -- Training states: the server's state machine names, and the 0.8 fake's lower-case ones --
STATE_IDLE: Final = TRAINING_STATE_STOPPED
STATE_TRAINING: Final = TRAINING_STATE_STARTED
STATE_PAUSED: Final = TRAINING_STATE_PAUSED
STATE_COMPLETE: Final = TRAINING_STATE_COMPLETED
VALID_STATES: Final = frozenset({STATE_IDLE, STATE_TRAINING, STATE_PAUSED, STATE_COMPLETE})
LEGACY_STATE_IDLE: Final = "idle"
LEGACY_STATE_TRAINING: Final = "training"
LEGACY_STATE_PAUSED: Final = "paused"
LEGACY_STATE_COMPLETE: Final = "complete"

# -- State machine statuses --------------------------------------------------------------------
FSM_STATUS_STOPPED: Final = TRAINING_STATE_STOPPED
FSM_STATUS_STARTED: Final = TRAINING_STATE_STARTED
FSM_STATUS_PAUSED: Final = TRAINING_STATE_PAUSED
FSM_STATUS_COMPLETED: Final = TRAINING_STATE_COMPLETED
FSM_STATUS_IDLE: Final = "IDLE"

# -- State machine phases ----------------------------------------------------------------------
FSM_PHASE_IDLE_UPPER: Final = "IDLE"
FSM_PHASE_OUTPUT_UPPER: Final = "OUTPUT"
FSM_PHASE_IDLE_LOWER: Final = "idle"
FSM_PHASE_OUTPUT_LOWER: Final = "output"
FSM_PHASE_OUTPUT_TRAINING: Final = "output_training"
FSM_PHASE_CANDIDATE_TRAINING: Final = "candidate_training"
FSM_PHASE_COMPLETE_LOWER: Final = "complete"

# -- Scenario names ----------------------------------------------------------------------------
SCENARIO_IDLE: Final = "idle"
SCENARIO_TWO_SPIRAL_TRAINING: Final = "two_spiral_training"
SCENARIO_XOR_CONVERGED: Final = "xor_converged"
SCENARIO_EMPTY: Final = "empty"
SCENARIO_ERROR_PRONE: Final = "error_prone"

# -- Network configuration defaults ------------------------------------------------------------
DEFAULT_INPUT_SIZE: Final = 2
DEFAULT_OUTPUT_SIZE: Final = 1
DEFAULT_LEARNING_RATE: Final = 0.01
CANDIDATE_LEARNING_RATE_MULTIPLIER: Final = 10
NETWORK_CONFIG_MAX_HIDDEN_UNITS: Final = 20
NETWORK_CONFIG_CANDIDATE_POOL_SIZE: Final = 8
DEFAULT_CORRELATION_THRESHOLD: Final = 0.01
DEFAULT_PATIENCE: Final = 10
DEFAULT_CANDIDATE_EPOCHS: Final = 200
DEFAULT_OUTPUT_EPOCHS: Final = 200
DEFAULT_MAX_EPOCHS: Final = 1000
GET_PARAMS_DEFAULT_MAX_HIDDEN_UNITS: Final = 10
XOR_LEARNING_RATE: Final = 0.05
XOR_INITIAL_HIDDEN_UNITS: Final = 2
XOR_INITIAL_EPOCH: Final = 150

# -- Loss curve parameters ---------------------------------------------------------------------
LOSS_INITIAL_DEFAULT: Final = 2.5
LOSS_DECAY_DEFAULT: Final = 0.05
LOSS_NOISE_SCALE: Final = 0.02
LOSS_NOISE_FREQ: Final = 0.7
LOSS_NOISE_DECAY: Final = 0.01
LOSS_MIN: Final = 0.001
LOSS_INITIAL_TWO_SPIRAL: Final = 2.5
LOSS_DECAY_TWO_SPIRAL: Final = 0.04
LOSS_INITIAL_EMPTY: Final = 1.5
LOSS_DECAY_EMPTY: Final = 0.03

# -- Accuracy curve parameters -----------------------------------------------------------------
ACC_MIDPOINT_DEFAULT: Final = 40.0
ACC_STEEPNESS_DEFAULT: Final = 0.08
ACC_CEILING_DEFAULT: Final = 0.98
ACC_MIDPOINT_TWO_SPIRAL: Final = 50.0
ACC_STEEPNESS_TWO_SPIRAL: Final = 0.06
ACC_CEILING_TWO_SPIRAL: Final = 0.96
ACC_VAL_SCALE_TWO_SPIRAL: Final = 0.97
ACC_MIDPOINT_EMPTY: Final = 30.0
ACC_STEEPNESS_EMPTY: Final = 0.07
ACC_CEILING_EMPTY: Final = 0.92
ACC_VAL_SCALE_EMPTY: Final = 0.95

# -- Validation loss parameters ----------------------------------------------------------------
DEFAULT_GAP_FACTOR: Final = 1.15
VAL_NOISE_SCALE: Final = 0.01
VAL_NOISE_FREQ: Final = 1.3

# -- Hidden unit schedule ----------------------------------------------------------------------
TWO_SPIRAL_HIDDEN_UNIT_INTERVAL: Final = 20
TWO_SPIRAL_HIDDEN_UNIT_CAP: Final = 8
DEFAULT_HIDDEN_UNIT_INTERVAL: Final = 25
DEFAULT_HIDDEN_UNIT_CAP: Final = 5
TWO_SPIRAL_PHASE_CYCLE_LENGTH: Final = 20
TWO_SPIRAL_PHASE_OUTPUT_PORTION: Final = 15

# -- Converged XOR metrics ---------------------------------------------------------------------
XOR_CONVERGED_TRAIN_LOSS: Final = 0.003
XOR_CONVERGED_VAL_LOSS: Final = 0.005
XOR_CONVERGED_TRAIN_ACCURACY: Final = 0.999
XOR_CONVERGED_VAL_ACCURACY: Final = 0.998
XOR_CONVERGED_CORRELATION: Final = 0.001
XOR_CONVERGED_HIDDEN_UNITS: Final = 2

# -- Topology generation -----------------------------------------------------------------------
NODE_TYPE_INPUT: Final = "input"
NODE_TYPE_BIAS: Final = "bias"
NODE_TYPE_HIDDEN: Final = "hidden"
NODE_TYPE_OUTPUT: Final = "output"
LAYER_TYPE_INPUT: Final = "input"
LAYER_TYPE_HIDDEN: Final = "hidden"
LAYER_TYPE_OUTPUT: Final = "output"
INPUT_NODE_ACTIVATION: Final = "linear"
BIAS_NODE_ACTIVATION: Final = "constant"
HIDDEN_NODE_ACTIVATION: Final = "sigmoid"
OUTPUT_NODE_ACTIVATION: Final = "sigmoid"
INPUT_NODE_BIAS: Final = 0.0
BIAS_NODE_BIAS: Final = 1.0
NODE_ID_PREFIX_INPUT: Final = "input_"
NODE_ID_PREFIX_HIDDEN: Final = "hidden_"
NODE_ID_PREFIX_OUTPUT: Final = "output_"
NODE_ID_BIAS: Final = "bias_0"
HIDDEN_BIAS_BASE: Final = -0.5
HIDDEN_BIAS_INCREMENT: Final = 0.1
HIDDEN_WEIGHT_SCALE: Final = 0.1
WEIGHT_HASH_MODULO: Final = 100
WEIGHT_CENTER: Final = 0.5
OUTPUT_BIAS_SCALE: Final = 0.01
OUTPUT_WEIGHT_SCALE: Final = 0.05

# -- Decision boundary generation --------------------------------------------------------------
DECISION_BOUNDARY_MIN: Final = -1.5
DECISION_BOUNDARY_MAX: Final = 1.5
BOUNDARY_RADIUS_SCALE: Final = 2.0

# -- Dataset input generation ------------------------------------------------------------------
DATASET_INPUT_ANGLE_SCALE: Final = 2.0
DATASET_INPUT_PHASE_SHIFT: Final = 0.5
DATASET_INPUT_AMPLITUDE: Final = 1.5
DATASET_INPUT_FREQ_SCALE: Final = 0.3

# -- Dataset default sizes ---------------------------------------------------------------------
DEFAULT_DATASET_TRAIN_SAMPLES: Final = 4
DEFAULT_DATASET_FEATURES: Final = 2
DEFAULT_DATASET_CLASSES: Final = 2

# -- Two-spiral data set -----------------------------------------------------------------------
TWO_SPIRAL_DATASET_NAME: Final = "two_spiral"
TWO_SPIRAL_GENERATOR: Final = "two_spiral"
TWO_SPIRAL_N_POINTS: Final = 97
TWO_SPIRAL_NOISE: Final = 0.0
TWO_SPIRAL_ROTATIONS: Final = 1.5
TWO_SPIRAL_TOTAL_SAMPLES: Final = 194
TWO_SPIRAL_FEATURES: Final = 2
TWO_SPIRAL_CLASSES: Final = 2
TWO_SPIRAL_SPLIT_RATIO: Final = 0.8
TWO_SPIRAL_TRAIN_SAMPLES: Final = 155
TWO_SPIRAL_TEST_SAMPLES: Final = 39

# -- XOR data set ------------------------------------------------------------------------------
XOR_DATASET_NAME: Final = "xor"
XOR_GENERATOR: Final = "xor"
XOR_N_POINTS: Final = 4
XOR_NOISE: Final = 0.0
XOR_TOTAL_SAMPLES: Final = 4
XOR_FEATURES: Final = 2
XOR_CLASSES: Final = 2
XOR_SPLIT_RATIO: Final = 1.0
XOR_TRAIN_SAMPLES: Final = 4
XOR_TEST_SAMPLES: Final = 0

# -- Data set sources --------------------------------------------------------------------------
DATASET_SOURCE_GENERATOR: Final = "generator"
DATASET_SOURCE_INLINE: Final = "inline"
DATASET_NAME_INLINE: Final = "inline"

# -- Demo worker worker-demo-01 ----------------------------------------------------------------
FAKE_WORKER_1_ID: Final = "worker-demo-01"
FAKE_WORKER_1_CPU_CORES: Final = 8
FAKE_WORKER_1_PYTHON_VERSION: Final = "3.13"
FAKE_WORKER_1_GPU: Final = False
FAKE_WORKER_1_CONNECTED_AGO_SECONDS: Final = 600
FAKE_WORKER_1_HEARTBEAT_AGO_SECONDS: Final = 2
FAKE_WORKER_1_TASKS_COMPLETED: Final = 12
FAKE_WORKER_1_TASKS_FAILED: Final = 0
FAKE_WORKER_1_HEALTH_SCORE: Final = 1.0

# -- Demo worker worker-demo-02 ----------------------------------------------------------------
FAKE_WORKER_2_ID: Final = "worker-demo-02"
FAKE_WORKER_2_CPU_CORES: Final = 4
FAKE_WORKER_2_PYTHON_VERSION: Final = "3.13"
FAKE_WORKER_2_GPU: Final = True
FAKE_WORKER_2_CONNECTED_AGO_SECONDS: Final = 300
FAKE_WORKER_2_HEARTBEAT_AGO_SECONDS: Final = 1
FAKE_WORKER_2_TASKS_COMPLETED: Final = 8
FAKE_WORKER_2_TASKS_FAILED: Final = 1
FAKE_WORKER_2_HEALTH_SCORE: Final = 0.8889
FAKE_WORKER_2_ACTIVE_TASK_ID: Final = "task-abc"

# -- Demo worker totals ------------------------------------------------------------------------
FAKE_WORKERS_TOTAL: Final = 2
FAKE_WORKERS_IDLE: Final = 1
FAKE_WORKERS_BUSY: Final = 1
FAKE_WORKERS_STALE: Final = 0
FAKE_WORKERS_TOTAL_TASKS_COMPLETED: Final = 20
FAKE_WORKERS_TOTAL_TASKS_FAILED: Final = 1
FAKE_WORKERS_AVG_HEALTH_SCORE: Final = 0.9444

# -- Demo snapshots ----------------------------------------------------------------------------
FAKE_SNAPSHOT_1_ID: Final = "snap-001"
FAKE_SNAPSHOT_1_DESCRIPTION: Final = "Before candidate installation"
FAKE_SNAPSHOT_1_AGE_SECONDS: Final = 300
FAKE_SNAPSHOT_1_EPOCH_OFFSET: Final = 5
FAKE_SNAPSHOT_1_HIDDEN_UNITS: Final = 0
FAKE_SNAPSHOT_2_ID: Final = "snap-002"
FAKE_SNAPSHOT_2_DESCRIPTION: Final = "After first hidden unit"
FAKE_SNAPSHOT_2_AGE_SECONDS: Final = 60
FAKE_SNAPSHOT_2_HIDDEN_UNITS: Final = 1
SNAPSHOT_ID_GENERATED_PREFIX: Final = "snap-"

# -- Weight statistics -------------------------------------------------------------------------
OUTPUT_WEIGHTS_BASE_PARAMS: Final = 3
OUTPUT_WEIGHTS_LAYER_NAME: Final = "output_weights"
OUTPUT_WEIGHTS_MEAN: Final = 0.012
OUTPUT_WEIGHTS_STD: Final = 0.45
OUTPUT_WEIGHTS_MIN: Final = -0.89
OUTPUT_WEIGHTS_MAX: Final = 0.91
HIDDEN_WEIGHTS_MEAN_SCALE: Final = 0.01
HIDDEN_WEIGHTS_STD_BASE: Final = 0.3
HIDDEN_WEIGHTS_STD_INCREMENT: Final = 0.05

# -- Canned-message stream ---------------------------------------------------------------------
FAKE_WS_DEFAULT_DELAY_SECONDS: Final = 0.1
